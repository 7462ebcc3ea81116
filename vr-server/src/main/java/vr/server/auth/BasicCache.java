package vr.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers successful HTTP Basic checks for a short while. The original's client sends Basic credentials on
 * every request and bcrypt at cost 12 takes a quarter of a second by design; without this, a paged list or a
 * busy script would spend the server's CPU on hashing. The key is an HMAC (a random per-process key) of the
 * username, the password and the stored hash: no password is kept, and a password change anywhere (a new
 * stored hash) misses the cache at once. The user's row is still read on every request, so deactivation
 * takes effect at once too.
 *
 * <p>Concurrent misses for the same credentials share one check: when an entry expires under a client with
 * several connections open, the first request runs bcrypt and the others wait for its answer instead of each
 * spending a quarter of a second of CPU on the same hash (a thundering herd).
 */
final class BasicCache {
  private static final int SWEEP_ABOVE = 10_000;

  private final Duration ttl;
  private final Clock clock;
  private final SecretKeySpec key;
  private final ConcurrentHashMap<String, Instant> verified = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Boolean>> checking = new ConcurrentHashMap<>();

  BasicCache(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    this.key = new SecretKeySpec(k, "HmacSHA256");
  }

  /**
   * Whether {@code password} matches {@code storedHash}: from the cache while a success is remembered, else by
   * {@code check} (bcrypt), run once for all the concurrent callers with the same three values. A success is
   * remembered for the TTL; a failure is only shared with the callers already waiting.
   */
  boolean verify(String username, String password, String storedHash, BooleanSupplier check) {
    if (ttl.isZero()) {
      return check.getAsBoolean();
    }
    String k = digest(username, password, storedHash);
    if (remembered(k)) {
      return true;
    }
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> running = checking.putIfAbsent(k, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      // a check that ended between the read above and putIfAbsent has remembered its success already
      boolean ok = remembered(k) || check.getAsBoolean();
      if (ok) {
        remember(k);
      }
      mine.complete(ok);
      return ok;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      checking.remove(k, mine);
    }
  }

  private boolean remembered(String k) {
    Instant until = verified.get(k);
    return until != null && until.isAfter(clock.instant());
  }

  private void remember(String k) {
    Instant now = clock.instant();
    if (verified.size() > SWEEP_ABOVE) {
      verified.values().removeIf(until -> !until.isAfter(now));
    }
    verified.put(k, now.plus(ttl));
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
