package vr.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code auth_session} table: server-side browser sessions. The cookie carries a random id; the row keeps
 * its SHA-256, the user and an absolute expiry. Logging out deletes the row, in every server process at once.
 */
public final class Sessions {
  private final Jdbi jdbi;
  private final Clock clock;
  private final Duration lifetime;

  public Sessions(Jdbi jdbi, Clock clock, Duration lifetime) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** Opens a session for {@code userId}; returns the id for the cookie (shown nowhere else). */
  public String create(long userId) {
    String id = Secrets.random();
    Instant now = clock.instant();
    jdbi.useHandle(h -> {
      // Expired rows go when someone logs in: no scheduler needed for a table that only grows at logins.
      h.createUpdate("DELETE FROM auth_session WHERE expires <= :now").bind("now", Rows.utc(now)).execute();
      h.createUpdate("INSERT INTO auth_session (id_hash, user_id, created, expires) VALUES (:h, :u, :c, :e)")
          .bind("h", Secrets.sha256(id)).bind("u", userId).bind("c", Rows.utc(now))
          .bind("e", Rows.utc(now.plus(lifetime))).execute();
    });
    return id;
  }

  /** The active user of an unexpired session, or empty. */
  public Optional<User> user(String id) {
    if (!Secrets.plausible(id, "")) {
      return Optional.empty();
    }
    return jdbi.withHandle(h -> h.createQuery("SELECT u.id, u.username, u.password_hash, u.is_admin, u.is_active,"
            + " u.created, u.last_login FROM auth_session s JOIN auth_user u ON u.id = s.user_id"
            + " WHERE s.id_hash = :h AND s.expires > :now AND u.is_active")
        .bind("h", Secrets.sha256(id)).bind("now", Rows.utc(clock.instant()))
        .map((rs, c) -> Rows.user(rs)).findOne());
  }

  /** Ends one session (logout). False when it did not exist. */
  public boolean delete(String id) {
    if (id == null) {
      return false;
    }
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM auth_session WHERE id_hash = :h")
        .bind("h", Secrets.sha256(id)).execute()) > 0;
  }

  /** Ends every session of a user (password reset, deactivation). */
  public int deleteForUser(long userId) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM auth_session WHERE user_id = :u").bind("u", userId).execute());
  }
}
