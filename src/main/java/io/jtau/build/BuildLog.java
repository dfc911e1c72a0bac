package io.jtau.build;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The log of one build attempt: an ordered list of structured events ({@link Event}), of which the
 * {@code out} events are the raw output lines of the build steps. Followers see every past event
 * then every new one, in order, exactly once, and are told when the log ends. The log holds at most
 * {@code maxBytes} of text; past that, lines are counted but dropped and one {@code truncated}
 * event says so. Thread-safe; follower callbacks run on the appending thread while the log's lock
 * is held, so they must be quick and must not block (an SSE emitter, a queue offer).
 */
public final class BuildLog {

  /** Event types a user sees. */
  public static final String OUT = "out";

  public static final String STEP = "step";
  public static final String INFO = "info";
  public static final String ERROR = "error";
  public static final String TRUNCATED = "truncated";

  /**
   * One log event.
   *
   * @param seq position in the log, from 0
   * @param at epoch milliseconds when the line was seen
   * @param type {@code out} (a raw output line), {@code step} (a step starts), {@code info}, {@code
   *     error} or {@code truncated}
   * @param text the line, without its line terminator
   */
  public record Event(long seq, long at, String type, String text) {
    public Event {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(text, "text");
    }
  }

  /** A follower's registration; closing it stops delivery. Idempotent. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private record Follower(Consumer<Event> onEvent, Runnable onEnd) {}

  private final Clock clock;
  private final long maxBytes;
  private final List<Event> events = new ArrayList<>();
  private final List<Follower> followers = new ArrayList<>();
  private long bytes;
  private long dropped;
  private boolean ended;

  public BuildLog(Clock clock, long maxBytes) {
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  /** Appends an event; ignored once the log has ended. */
  public synchronized void append(String type, String text) {
    if (ended) {
      return;
    }
    long size = text.length() + 1L;
    if (bytes + size > maxBytes) {
      if (dropped++ == 0) {
        add(TRUNCATED, "log truncated at " + maxBytes + " bytes; further lines are dropped");
      }
      return;
    }
    bytes += size;
    add(type, text);
  }

  private void add(String type, String text) {
    Event e = new Event(events.size(), clock.millis(), type, text);
    events.add(e);
    for (Follower f : List.copyOf(followers)) {
      f.onEvent.accept(e);
    }
  }

  /** Appends a raw output line. */
  public void out(String line) {
    append(OUT, line);
  }

  /** Appends an informational line. */
  public void info(String line) {
    append(INFO, line);
  }

  /** Appends an error line. */
  public void error(String line) {
    append(ERROR, line);
  }

  /** Ends the log: followers get their end callback; later appends are ignored. Idempotent. */
  public void end() {
    List<Follower> toEnd;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      toEnd = List.copyOf(followers);
      followers.clear();
      for (Follower f : toEnd) {
        f.onEnd.run();
      }
    }
  }

  public synchronized boolean ended() {
    return ended;
  }

  /** How many lines were dropped past the size limit. */
  public synchronized long dropped() {
    return dropped;
  }

  /** A copy of the events so far. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /**
   * Replays the events from {@code fromSeq}, then delivers new ones until the log ends (then calls
   * {@code onEnd}) or the subscription is closed. On an ended log, replays and calls {@code onEnd}
   * at once.
   */
  public synchronized Subscription follow(long fromSeq, Consumer<Event> onEvent, Runnable onEnd) {
    for (int i = (int) Math.max(0, Math.min(fromSeq, events.size())); i < events.size(); i++) {
      onEvent.accept(events.get(i));
    }
    if (ended) {
      onEnd.run();
      return () -> {};
    }
    Follower f = new Follower(onEvent, onEnd);
    followers.add(f);
    return () -> {
      synchronized (BuildLog.this) {
        followers.remove(f);
      }
    };
  }

  /** The raw output: every {@code out} line, each followed by a newline. */
  public synchronized String raw() {
    StringBuilder b = new StringBuilder();
    for (Event e : events) {
      if (e.type.equals(OUT)) {
        b.append(e.text).append('\n');
      }
    }
    return b.toString();
  }

  /** Every event as text, one per line: {@code [type] text} (what {@code tau logs} prints). */
  public synchronized String text() {
    StringBuilder b = new StringBuilder();
    for (Event e : events) {
      b.append(render(e)).append('\n');
    }
    return b.toString();
  }

  /** How {@code tau logs} shows one event: output lines bare, others tagged. */
  public static String render(Event e) {
    return e.type.equals(OUT) ? e.text : "[" + e.type + "] " + e.text;
  }

  /** The events as JSON lines ({@code {"seq":..,"at":..,"type":"..","text":".."}}). */
  public synchronized byte[] jsonLines() {
    StringBuilder b = new StringBuilder();
    for (Event e : events) {
      b.append(json(e)).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One event as a JSON object. */
  public static String json(Event e) {
    return "{\"seq\":"
        + e.seq
        + ",\"at\":"
        + e.at
        + ",\"type\":\""
        + escape(e.type)
        + "\",\"text\":\""
        + escape(e.text)
        + "\"}";
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
