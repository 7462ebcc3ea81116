package vr.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers successful HTTP Basic checks for a short while. The original's client sends Basic credentials on
 * every request and bcrypt at cost 12 takes a quarter of a second by design; without this, a paged list or a
 * busy script would spend the server's CPU on hashing. The key is an HMAC (a random per-process key) of the
 * username, the password and the stored hash: no password is kept, and a password change anywhere (a new
 * stored hash) misses the cache at once. The user's row is still read on every request, so deactivation
 * takes effect at once too.
 */
final class BasicCache {
  private static final int SWEEP_ABOVE = 10_000;

  private final Duration ttl;
  private final Clock clock;
  private final SecretKeySpec key;
  private final ConcurrentHashMap<String, Instant> verified = new ConcurrentHashMap<>();

  BasicCache(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    this.key = new SecretKeySpec(k, "HmacSHA256");
  }

  boolean hit(String username, String password, String storedHash) {
    if (ttl.isZero()) {
      return false;
    }
    Instant until = verified.get(digest(username, password, storedHash));
    return until != null && until.isAfter(clock.instant());
  }

  void put(String username, String password, String storedHash) {
    if (ttl.isZero()) {
      return;
    }
    Instant now = clock.instant();
    if (verified.size() > SWEEP_ABOVE) {
      verified.values().removeIf(until -> !until.isAfter(now));
    }
    verified.put(digest(username, password, storedHash), now.plus(ttl));
  }

  private String digest(String username, String password, String storedHash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      // NUL separators: none of the three can contain one that shifts the boundary (names and hashes cannot).
      mac.update((username + '\0' + storedHash + '\0').getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
