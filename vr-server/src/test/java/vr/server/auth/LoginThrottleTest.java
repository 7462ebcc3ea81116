package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoginThrottle t = new LoginThrottle(3, Duration.ofMinutes(5), clock);

  @Test
  void blocksAfterMaxFailuresUntilTheWindowEnds() {
    for (int i = 0; i < 3; i++) {
      assertThat(t.blocked("alice", "10.0.0.1")).isZero();
      t.failed("alice", "10.0.0.1");
    }
    assertThat(t.blocked("alice", "10.0.0.1")).isEqualTo(Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(4));
    assertThat(t.blocked("alice", "10.0.0.1")).isEqualTo(Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(1));
    assertThat(t.blocked("alice", "10.0.0.1")).isZero();
  }

  @Test
  void otherAddressesAndUsersAreNotBlocked() {
    for (int i = 0; i < 3; i++) {
      t.failed("alice", "10.0.0.1");
    }
    assertThat(t.blocked("alice", "10.0.0.2")).isZero();
    assertThat(t.blocked("bob", "10.0.0.1")).isZero();
  }

  @Test
  void successClearsTheCount() {
    t.failed("alice", "a");
    t.failed("alice", "a");
    t.succeeded("alice", "a");
    t.failed("alice", "a");
    t.failed("alice", "a");
    assertThat(t.blocked("alice", "a")).isZero();
  }

  @Test
  void failuresInAnExpiredWindowStartANewOne() {
    t.failed("alice", "a");
    t.failed("alice", "a");
    clock.advance(Duration.ofMinutes(6));
    t.failed("alice", "a");
    t.failed("alice", "a");
    assertThat(t.blocked("alice", "a")).isZero();
    t.failed("alice", "a");
    assertThat(t.blocked("alice", "a")).isPositive();
  }
}
