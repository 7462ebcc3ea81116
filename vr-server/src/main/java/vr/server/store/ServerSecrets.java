package vr.server.store;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Secrets shared by every server process on one database, such as the key that signs download URLs: made
 * once, by whichever process asks first (the primary key settles a race), then read by all.
 */
public final class ServerSecrets {
  private ServerSecrets() {}

  /** The named secret's bytes, made (32 random bytes) if it does not exist yet. */
  public static byte[] getOrCreate(Jdbi jdbi, String name) {
    Optional<String> existing = read(jdbi, name);
    if (existing.isEmpty()) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      try {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_secrets (name, secret, created_time) VALUES (:n, :s, :t)")
            .bind("n", name).bind("s", Base64.getEncoder().encodeToString(fresh)).bind("t", OffsetDateTime.now()).execute());
      } catch (RuntimeException raced) {
        // another process made it first; its value is read below
      }
      existing = read(jdbi, name);
    }
    return Base64.getDecoder().decode(existing.orElseThrow(() -> new IllegalStateException("secret " + name + " not stored")));
  }

  private static Optional<String> read(Jdbi jdbi, String name) {
    return jdbi.withHandle(h -> h.createQuery("SELECT secret FROM server_secrets WHERE name = :n").bind("n", name)
        .mapTo(String.class).findFirst());
  }
}
