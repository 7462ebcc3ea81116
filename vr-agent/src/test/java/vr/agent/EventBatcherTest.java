package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventBatcherTest {

  static ListenerEvent tick(int serial) {
    return ListenerEvent.parse("ver:3.0 serial:" + serial + " eventname:TICK_60 len:0", "when:" + serial);
  }

  static List<String> serials(List<ListenerEvent> batch) {
    return batch.stream().map(e -> e.headers().get("serial")).toList();
  }

  @Test
  void eventsThatPileUpWhileABatchIsHandledBecomeTheNextBatch() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    CountDownLatch firstTaken = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EventBatcher b = new EventBatcher(batch -> {
      batches.add(serials(batch));
      firstTaken.countDown();
      await(release);
    }, 100, 100);
    b.start();
    assertThat(b.accept(tick(1))).isTrue();
    assertThat(firstTaken.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 2; i <= 6; i++) {
      assertThat(b.accept(tick(i))).isTrue(); // accepted at once: the protocol thread acknowledges meanwhile
    }
    release.countDown();
    assertThat(b.close(Duration.ofSeconds(10))).isTrue();
    assertThat(batches).containsExactly(List.of("1"), List.of("2", "3", "4", "5", "6"));
    assertThat(b.stats()).isEqualTo("6 event(s) in 2 batch(es)");
  }

  @Test
  void aBatchHasAtMostMaxBatchEvents() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    EventBatcher b = new EventBatcher(batch -> {
      batches.add(serials(batch));
      await(release);
    }, 100, 2);
    b.start();
    for (int i = 1; i <= 5; i++) {
      b.accept(tick(i));
    }
    release.countDown();
    assertThat(b.close(Duration.ofSeconds(10))).isTrue();
    assertThat(batches.stream().mapToInt(List::size).max().orElseThrow()).isLessThanOrEqualTo(2);
    assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly("1", "2", "3", "4", "5");
  }

  @Test
  void closeHandlesEverythingAcceptedAndThenRefusesEvents() throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    EventBatcher b = new EventBatcher(batch -> {
      sleep(50);
      handled.addAll(serials(batch));
    }, 100, 1);
    b.start();
    for (int i = 1; i <= 10; i++) {
      b.accept(tick(i));
    }
    assertThat(b.close(Duration.ofSeconds(10))).isTrue();
    assertThat(handled).hasSize(10);
    assertThat(b.accept(tick(11))).isFalse(); // so it is never acknowledged
    assertThat(b.dead()).isFalse();
  }

  @Test
  void aFullQueueMakesTheProtocolThreadWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    EventBatcher b = new EventBatcher(batch -> await(release), 2, 1);
    b.start();
    b.accept(tick(1)); // taken by the worker, which then waits
    b.accept(tick(2));
    b.accept(tick(3)); // the queue holds two
    Thread producer = new Thread(() -> {
      try {
        b.accept(tick(4));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    producer.start();
    producer.join(300);
    assertThat(producer.isAlive()).isTrue();
    release.countDown();
    producer.join(10_000);
    assertThat(producer.isAlive()).isFalse();
    assertThat(b.close(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aDeadWorkerMakesAcceptRefuse() throws Exception {
    EventBatcher b = new EventBatcher(batch -> {
      throw new OutOfMemoryError("test");
    }, 10, 10);
    b.start();
    b.accept(tick(1));
    for (int i = 0; i < 200 && !b.dead(); i++) {
      sleep(10);
    }
    assertThat(b.dead()).isTrue();
    assertThat(b.accept(tick(2))).isFalse();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
