// Holds one std::vector<char> of 3 MiB and touches every byte.
#include <cstdio>
#include <numeric>
#include <vector>

int main() {
    std::vector<char> block(3u << 20, 1);
    long sum = std::accumulate(block.begin(), block.end(), 0L);
    std::printf("%ld\n", sum);
    return 0;
}
