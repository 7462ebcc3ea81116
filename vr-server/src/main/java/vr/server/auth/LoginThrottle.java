package vr.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code maxFailures} failed logins for one username from one address within
 * a window, further attempts for that pair are refused until the window ends, without checking the password.
 * Keyed on the pair so that someone guessing from elsewhere cannot lock a user out everywhere. In memory, per
 * server process: several processes each allow their own budget (the bound is per process, not global).
 */
final class LoginThrottle {
  /** Above this many pairs, expired ones are swept on the next failure, so a flood of names cannot grow it for long. */
  private static final int SWEEP_ABOVE = 10_000;

  private record Window(Instant start, int failures) {}

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final ConcurrentHashMap<String, Window> failures = new ConcurrentHashMap<>();

  LoginThrottle(int maxFailures, Duration window, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
  }

  /** How long the pair must still wait; zero when it may try. */
  Duration blocked(String username, String address) {
    Window w = failures.get(key(username, address));
    if (w == null || w.failures() < maxFailures) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), w.start().plus(window));
    return left.isNegative() || left.isZero() ? Duration.ZERO : left;
  }

  void failed(String username, String address) {
    Instant now = clock.instant();
    if (failures.size() > SWEEP_ABOVE) {
      failures.values().removeIf(w -> !w.start().plus(window).isAfter(now));
    }
    failures.merge(key(username, address), new Window(now, 1),
        (old, one) -> old.start().plus(window).isAfter(now) ? new Window(old.start(), old.failures() + 1) : one);
  }

  void succeeded(String username, String address) {
    failures.remove(key(username, address));
  }

  private static String key(String username, String address) {
    return username + '\n' + address;
  }
}
