package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BasicCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final BasicCache cache = new BasicCache(Duration.ofSeconds(60), clock);

  @Test
  void remembersAVerifiedPairForItsTtl() {
    assertThat(cache.hit("alice", "pw", "$2y$hash1")).isFalse();
    cache.put("alice", "pw", "$2y$hash1");
    assertThat(cache.hit("alice", "pw", "$2y$hash1")).isTrue();
    clock.advance(Duration.ofSeconds(61));
    assertThat(cache.hit("alice", "pw", "$2y$hash1")).isFalse();
  }

  @Test
  void aNewStoredHashOrAnotherPasswordMisses() {
    cache.put("alice", "pw", "$2y$hash1");
    assertThat(cache.hit("alice", "pw", "$2y$hash2")).isFalse();
    assertThat(cache.hit("alice", "pw2", "$2y$hash1")).isFalse();
    assertThat(cache.hit("bob", "pw", "$2y$hash1")).isFalse();
  }

  @Test
  void zeroTtlDisablesIt() {
    BasicCache off = new BasicCache(Duration.ZERO, clock);
    off.put("alice", "pw", "h");
    assertThat(off.hit("alice", "pw", "h")).isFalse();
  }
}
