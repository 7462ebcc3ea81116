package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class BasicCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final BasicCache cache = new BasicCache(Duration.ofSeconds(60), clock);
  private final AtomicInteger checks = new AtomicInteger();

  /** A stand-in for bcrypt that counts its calls and answers {@code answer}. */
  private BooleanSupplier counted(boolean answer) {
    return () -> {
      checks.incrementAndGet();
      return answer;
    };
  }

  @Test
  void remembersAVerifiedPairForItsTtl() {
    assertThat(cache.verify("alice", "pw", "$2y$hash1", counted(true))).isTrue();
    assertThat(cache.verify("alice", "pw", "$2y$hash1", counted(true))).isTrue();
    assertThat(checks).hasValue(1);
    clock.advance(Duration.ofSeconds(61));
    assertThat(cache.verify("alice", "pw", "$2y$hash1", counted(true))).isTrue();
    assertThat(checks).hasValue(2);
  }

  @Test
  void aNewStoredHashOrAnotherPasswordMisses() {
    cache.verify("alice", "pw", "$2y$hash1", counted(true));
    assertThat(cache.verify("alice", "pw", "$2y$hash2", counted(false))).isFalse();
    assertThat(cache.verify("alice", "pw2", "$2y$hash1", counted(false))).isFalse();
    assertThat(cache.verify("bob", "pw", "$2y$hash1", counted(false))).isFalse();
    assertThat(checks).hasValue(4);
  }

  @Test
  void aFailureIsNotRemembered() {
    assertThat(cache.verify("alice", "bad", "$2y$hash1", counted(false))).isFalse();
    assertThat(cache.verify("alice", "bad", "$2y$hash1", counted(false))).isFalse();
    assertThat(checks).hasValue(2);
  }

  @Test
  void zeroTtlDisablesIt() {
    BasicCache off = new BasicCache(Duration.ZERO, clock);
    off.verify("alice", "pw", "h", counted(true));
    off.verify("alice", "pw", "h", counted(true));
    assertThat(checks).hasValue(2);
  }

  @Test
  void concurrentMissesForTheSameCredentialsShareOneCheck() throws Exception {
    assertThat(concurrently(16, "pw", true)).containsOnly(true).hasSize(16);
    assertThat(checks).as("bcrypt runs for 16 concurrent misses").hasValue(1);
    clock.advance(Duration.ofSeconds(61)); // the entry expires under the same 16 connections
    assertThat(concurrently(16, "pw", true)).containsOnly(true);
    assertThat(checks).hasValue(2);
  }

  /** {@code n} threads verify at once while the first check is held open until all of them have asked. */
  private List<Boolean> concurrently(int n, String password, boolean answer) throws Exception {
    CountDownLatch asked = new CountDownLatch(n);
    BooleanSupplier slow = () -> {
      checks.incrementAndGet();
      try {
        // bcrypt takes a while; here the check lasts until every thread has asked (or 5 s), and a bit more
        asked.await(5, TimeUnit.SECONDS);
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer;
    };
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        results.add(pool.submit(() -> {
          asked.countDown();
          return cache.verify("alice", password, "$2y$hash1", slow);
        }));
      }
      List<Boolean> out = new ArrayList<>();
      for (Future<Boolean> f : results) {
        out.add(f.get(30, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
