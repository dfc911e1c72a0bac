package io.jtau.runtime.wasm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-wide count of guest memory pages held by running instances. Thread-safe, lock-free,
 * non-blocking: an acquisition that does not fit fails at once.
 */
final class MemoryBudget {

  private final long capacityPages;
  private final AtomicLong usedPages = new AtomicLong();

  MemoryBudget(long capacityPages) {
    this.capacityPages = capacityPages;
  }

  boolean tryAcquire(long pages) {
    while (true) {
      long used = usedPages.get();
      if (used + pages > capacityPages) {
        return false;
      }
      if (usedPages.compareAndSet(used, used + pages)) {
        return true;
      }
    }
  }

  void release(long pages) {
    usedPages.addAndGet(-pages);
  }

  long usedPages() {
    return usedPages.get();
  }

  long capacityPages() {
    return capacityPages;
  }
}
