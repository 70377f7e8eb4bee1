// Holds one 16 MiB byte array in a 64 MiB heap (run as `java -Xmx64m -cp DIR Hold`).
public class Hold {
    public static void main(String[] args) {
        byte[] block = new byte[16 << 20];
        java.util.Arrays.fill(block, (byte) 1);
        long sum = 0;
        for (byte value : block) sum += value;
        System.out.println(sum);
    }
}
