package io.jtau.runtime.pubsub;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-process pub/sub broker with a bounded buffer per subscriber.
 *
 * <p><b>Delivery.</b> {@link #publish} never blocks and never runs subscriber code: it appends the
 * message to the buffer of every subscriber of the topic and schedules a drain of that subscriber
 * on the delivery executor. Each subscriber is drained by at most one task at a time, so it sees
 * messages one by one in publication order; different subscribers drain in parallel, so a slow
 * subscriber delays only itself.
 *
 * <p><b>Overflow policy: drop oldest.</b> When a subscriber's buffer is full, the oldest message
 * waiting in it is discarded to make room and the subscriber's {@link Subscription#dropped()}
 * counter (and the broker's {@link #dropped()}) goes up. Publishers are never slowed and the newest
 * messages are kept, which suits live feeds (chat, events, dashboards).
 *
 * <p>A message whose source equals the subscriber's id is not delivered to it (a function does not
 * re-trigger itself). Delivery is at most once and in memory only: messages buffered when the node
 * stops are lost. Thread-safe.
 */
public final class Broker {

  /** Messages a subscriber drains before yielding its thread to others. */
  private static final int DRAIN_BURST = 64;

  private final Executor deliveries;
  private final Map<Topic, List<Subscription>> subscribers = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  /** A broker delivering on {@code deliveries} (should offer several threads). */
  public Broker(Executor deliveries) {
    this.deliveries = deliveries;
  }

  /**
   * Publishes a message; returns how many subscribers it was queued for. Never blocks on
   * subscribers.
   */
  public int publish(Topic topic, String source, byte[] data) {
    Message m =
        new Message(topic, sequence.incrementAndGet(), source, data.clone(), System.nanoTime());
    published.incrementAndGet();
    List<Subscription> subs = subscribers.get(topic);
    if (subs == null) {
      return 0;
    }
    int n = 0;
    for (Subscription s : subs) {
      if (!s.id.equals(source) && s.offer(m)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Subscribes {@code handler} to a topic with a buffer of {@code capacity} messages. The handler
   * is called on the delivery executor, one message at a time; an exception it throws is counted
   * and does not stop later deliveries.
   *
   * @param id the subscriber's id; messages whose source equals it are not delivered
   */
  public Subscription subscribe(Topic topic, String id, int capacity, Consumer<Message> handler) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    Subscription s = new Subscription(this, topic, id, capacity, handler);
    subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(s);
    return s;
  }

  void remove(Subscription s) {
    subscribers.computeIfPresent(
        s.topic,
        (t, list) -> {
          list.remove(s);
          return list.isEmpty() ? null : list;
        });
  }

  /** Current subscribers of a topic. */
  public int subscriberCount(Topic topic) {
    List<Subscription> l = subscribers.get(topic);
    return l == null ? 0 : l.size();
  }

  /** Current subscribers of every topic. */
  public int subscriberCount() {
    return subscribers.values().stream().mapToInt(List::size).sum();
  }

  /** Messages published so far. */
  public long published() {
    return published.get();
  }

  /** Messages discarded by the drop-oldest policy so far, over all subscribers. */
  public long dropped() {
    return dropped.get();
  }

  /** One subscriber of one topic; close it to unsubscribe. Thread-safe. */
  public static final class Subscription implements AutoCloseable {
    private final Broker broker;
    private final Topic topic;
    private final String id;
    private final int capacity;
    private final Consumer<Message> handler;
    private final ArrayDeque<Message> buffer = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private boolean scheduled;
    private volatile boolean closed;

    Subscription(Broker broker, Topic topic, String id, int capacity, Consumer<Message> handler) {
      this.broker = broker;
      this.topic = topic;
      this.id = id;
      this.capacity = capacity;
      this.handler = handler;
    }

    boolean offer(Message m) {
      if (closed) {
        return false;
      }
      boolean schedule;
      synchronized (this) {
        if (buffer.size() >= capacity) {
          buffer.pollFirst();
          dropped.incrementAndGet();
          broker.dropped.incrementAndGet();
        }
        buffer.addLast(m);
        schedule = !scheduled;
        scheduled = true;
      }
      if (schedule) {
        schedule();
      }
      return true;
    }

    private void schedule() {
      try {
        broker.deliveries.execute(this::drain);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          scheduled = false;
        }
      }
    }

    private void drain() {
      for (int i = 0; i < DRAIN_BURST; i++) {
        Message m;
        synchronized (this) {
          m = closed ? null : buffer.pollFirst();
          if (m == null) {
            scheduled = false;
            return;
          }
        }
        try {
          handler.accept(m);
          delivered.incrementAndGet();
        } catch (RuntimeException e) {
          failed.incrementAndGet();
        }
      }
      schedule();
    }

    public Topic topic() {
      return topic;
    }

    public String id() {
      return id;
    }

    /** Messages discarded from this subscriber's buffer because it was full. */
    public long dropped() {
      return dropped.get();
    }

    /** Messages handed to the handler without an exception. */
    public long delivered() {
      return delivered.get();
    }

    /** Messages whose handler threw. */
    public long failed() {
      return failed.get();
    }

    /** Messages waiting in the buffer. */
    public synchronized int pending() {
      return buffer.size();
    }

    /** Unsubscribes and discards what is buffered. Idempotent. */
    @Override
    public void close() {
      closed = true;
      broker.remove(this);
      synchronized (this) {
        buffer.clear();
      }
    }
  }
}
