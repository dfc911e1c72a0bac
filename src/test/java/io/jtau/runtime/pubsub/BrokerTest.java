package io.jtau.runtime.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerTest {

  final ExecutorService pool = Executors.newFixedThreadPool(4);
  final Broker broker = new Broker(pool);
  final Topic chat = new Topic("project-a", "chat");

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(Message m) {
    return new String(m.data(), StandardCharsets.UTF_8);
  }

  @Test
  void subscribers_get_messages_in_order_and_other_topics_get_nothing() {
    List<String> got = new CopyOnWriteArrayList<>();
    List<String> other = new CopyOnWriteArrayList<>();
    broker.subscribe(chat, "s1", 100, m -> got.add(s(m)));
    broker.subscribe(new Topic("project-b", "chat"), "s2", 100, m -> other.add(s(m)));
    broker.subscribe(new Topic("project-a", "chat2"), "s3", 100, m -> other.add(s(m)));
    for (int i = 0; i < 50; i++) {
      assertThat(broker.publish(chat, "http", b("m" + i))).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 50);
    for (int i = 0; i < 50; i++) {
      assertThat(got.get(i)).isEqualTo("m" + i);
    }
    assertThat(other).isEmpty();
  }

  @Test
  void a_subscriber_does_not_receive_what_it_published() {
    List<String> self = new CopyOnWriteArrayList<>();
    List<String> peer = new CopyOnWriteArrayList<>();
    broker.subscribe(chat, "fn-1", 10, m -> self.add(s(m)));
    broker.subscribe(chat, "fn-2", 10, m -> peer.add(s(m)));
    assertThat(broker.publish(chat, "fn-1", b("from 1"))).isEqualTo(1);
    broker.publish(chat, "fn-2", b("from 2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> self.size() == 1 && peer.size() == 1);
    assertThat(self).containsExactly("from 2");
    assertThat(peer).containsExactly("from 1");
  }

  @Test
  void a_full_buffer_drops_the_oldest_and_counts_it() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch first = new CountDownLatch(1);
    List<String> got = new CopyOnWriteArrayList<>();
    Broker.Subscription sub =
        broker.subscribe(
            chat,
            "slow",
            3,
            m -> {
              first.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              got.add(s(m));
            });
    broker.publish(chat, "http", b("m0"));
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue(); // m0 is being handled
    for (int i = 1; i <= 10; i++) {
      broker.publish(chat, "http", b("m" + i));
    }
    assertThat(sub.pending()).isEqualTo(3);
    assertThat(sub.dropped()).isEqualTo(7);
    assertThat(broker.dropped()).isEqualTo(7);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
    assertThat(got).containsExactly("m0", "m8", "m9", "m10");
  }

  @Test
  void a_slow_subscriber_slows_neither_publishers_nor_other_subscribers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Broker.Subscription slow =
        broker.subscribe(
            chat,
            "slow",
            16,
            m -> {
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    List<String> fast = new CopyOnWriteArrayList<>();
    broker.subscribe(chat, "fast", 20_000, m -> fast.add(s(m)));
    for (int i = 0; i < 10_000; i++) {
      broker.publish(chat, "http", b("m" + i)); // returns without waiting on "slow"
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> fast.size() == 10_000);
    assertThat(fast.get(9_999)).isEqualTo("m9999");
    assertThat(slow.dropped()).isGreaterThanOrEqualTo(10_000 - 16 - 1);
    release.countDown();
  }

  @Test
  void a_failing_handler_is_counted_and_keeps_receiving() {
    Broker.Subscription sub =
        broker.subscribe(
            chat,
            "flaky",
            10,
            m -> {
              if (s(m).equals("bad")) {
                throw new IllegalStateException("boom");
              }
            });
    broker.publish(chat, "http", b("bad"));
    broker.publish(chat, "http", b("good"));
    await().atMost(Duration.ofSeconds(10)).until(() -> sub.delivered() == 1 && sub.failed() == 1);
  }

  @Test
  void closing_unsubscribes() {
    Broker.Subscription sub = broker.subscribe(chat, "s", 10, m -> {});
    assertThat(broker.subscriberCount(chat)).isEqualTo(1);
    sub.close();
    sub.close();
    assertThat(broker.subscriberCount(chat)).isZero();
    assertThat(broker.subscriberCount()).isZero();
    assertThat(broker.publish(chat, "http", b("x"))).isZero();
  }
}
