package vr.server.auth;

import java.time.Duration;

/**
 * The knobs of authentication. {@link #defaults()} is what the server runs with: bcrypt cost 12, sessions of
 * 14 days (Django's default, which the original used), successful Basic checks remembered 60 s, and at most
 * 10 failed logins per username and address in 5 minutes.
 */
public record AuthSettings(int passwordCost, Duration sessionLifetime, Duration basicCacheTtl, int maxFailures,
    Duration failureWindow) {
  public static AuthSettings defaults() {
    return new AuthSettings(Passwords.DEFAULT_COST, Duration.ofDays(14), Duration.ofSeconds(60), 10, Duration.ofMinutes(5));
  }

  public AuthSettings withPasswordCost(int cost) {
    return new AuthSettings(cost, sessionLifetime, basicCacheTtl, maxFailures, failureWindow);
  }

  public AuthSettings withThrottle(int failures, Duration window) {
    return new AuthSettings(passwordCost, sessionLifetime, basicCacheTtl, failures, window);
  }
}
