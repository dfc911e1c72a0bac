// The compute benchmark for bench/compute-vs-node.sh: the same module runs on Chicory (compiled)
// and on Node.js (V8). No libc, no imports: pure computation.
#include <stdint.h>

__attribute__((export_name("fib"))) uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint8_t buf[1 << 16];

// A byte loop: fills a buffer with an LCG and folds it with a rolling hash, `rounds` times.
__attribute__((export_name("bytes"))) uint32_t bytes(uint32_t rounds) {
  uint32_t x = 12345, h = 2166136261u;
  for (uint32_t r = 0; r < rounds; r++) {
    for (uint32_t i = 0; i < sizeof buf; i++) {
      x = x * 1103515245u + 12345u;
      buf[i] = (uint8_t)(x >> 16);
    }
    for (uint32_t i = 0; i < sizeof buf; i++) {
      h = (h ^ buf[i]) * 16777619u;
    }
  }
  return h;
}
