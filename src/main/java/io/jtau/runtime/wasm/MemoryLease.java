package io.jtau.runtime.wasm;

/**
 * The pages one invocation holds from the {@link MemoryBudget}. The entry module's initial pages
 * are acquired up front (so a full node answers 503 before any work); memories then claim them and
 * growth charges more. {@link #close} returns everything. Thread-safe.
 */
final class MemoryLease implements AutoCloseable {

  private final MemoryBudget budget;
  private long held;
  private long prepaid;
  private boolean closed;

  private MemoryLease(MemoryBudget budget, long prepaid) {
    this.budget = budget;
    this.held = prepaid;
    this.prepaid = prepaid;
  }

  /** Acquires {@code pages} up front, or returns null when the node budget cannot hold them. */
  static MemoryLease tryOpen(MemoryBudget budget, long pages) {
    return budget.tryAcquire(pages) ? new MemoryLease(budget, pages) : null;
  }

  /** Claims a new memory's initial pages, using the prepaid pages first. */
  synchronized boolean claimInitial(long pages) {
    long fromPrepaid = Math.min(prepaid, pages);
    prepaid -= fromPrepaid;
    long rest = pages - fromPrepaid;
    if (rest == 0) {
      return true;
    }
    return charge(rest);
  }

  /** Charges growth; false when the node budget is exhausted or the lease is closed. */
  synchronized boolean charge(long pages) {
    if (closed || !budget.tryAcquire(pages)) {
      return false;
    }
    held += pages;
    return true;
  }

  synchronized void refund(long pages) {
    if (!closed) {
      held -= pages;
      budget.release(pages);
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      budget.release(held);
      held = 0;
    }
  }
}
