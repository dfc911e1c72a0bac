/* The fib sample: a C function built by the node with clang and wasi-libc.
 * GET /fib?n=N answers "fib(N) = F" for 0 <= N <= 93 (F fits in 64 bits); n defaults to 10. */
#include <stdio.h>
#include <stdlib.h>
#include "taubyte.h"

static int query_n(uint32_t event, long *n) {
  char buf[16];
  uint32_t size = 0;
  if (getHttpEventQueryValueByNameSize(event, &size, "n", 1) != 0 || size == 0) {
    *n = 10;
    return 0;
  }
  if (size >= sizeof buf || getHttpEventQueryValueByName(event, "n", 1, buf, size) != 0) {
    return -1;
  }
  buf[size] = '\0';
  char *end = NULL;
  *n = strtol(buf, &end, 10);
  return (*end == '\0' && *n >= 0 && *n <= 93) ? 0 : -1;
}

TAU_EXPORT(fib) uint32_t fib(uint32_t event) {
  long n = 0;
  if (query_n(event, &n) != 0) {
    eventHttpRetCode(event, 400);
    tau_http_write_str(event, "n must be a whole number from 0 to 93\n");
    return 0;
  }
  unsigned long long a = 0, b = 1;
  for (long i = 0; i < n; i++) {
    unsigned long long next = a + b;
    a = b;
    b = next;
  }
  char out[64];
  snprintf(out, sizeof out, "fib(%ld) = %llu\n", n, a);
  eventHttpRetCode(event, 200);
  tau_http_write_str(event, out);
  return 0;
}
