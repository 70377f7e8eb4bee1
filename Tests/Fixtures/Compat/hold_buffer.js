// Holds one 16 MiB Buffer (node -e "$(cat hold_buffer.js)"); Buffer.alloc zero-fills outside V8's heap.
const block = Buffer.alloc(16 << 20, 1);
let sum = 0;
for (let i = 0; i < block.length; i += 4096) sum += block[i];
console.log(sum);
