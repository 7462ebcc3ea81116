package vr.server.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code auth_token} table: API tokens for scripts ({@code Authorization: Bearer vrt_...}). A token is
 * shown once, by {@link #create}; the table keeps its SHA-256. Revoking deletes the row.
 */
public final class Tokens {
  /** {@code last_used} is written at most this often per token, not on every request. */
  static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final int SHOWN_PREFIX = 8;

  /** A new token and its secret, which nothing can show again. */
  public record Created(ApiToken token, String secret) {}

  private final Jdbi jdbi;
  private final Clock clock;

  public Tokens(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Why {@code name} cannot name a token, or null. */
  public static String problem(String name) {
    if (name == null || name.isBlank()) {
      return "a token needs a name (what uses it)";
    }
    if (name.length() > 100 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "a token name is at most 100 characters, without control characters";
    }
    return null;
  }

  public Created create(long userId, String name) {
    String p = problem(name);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    String secret = Secrets.newToken();
    String prefix = secret.substring(0, SHOWN_PREFIX);
    Instant now = clock.instant();
    long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO auth_token (user_id, name, prefix, token_hash, created)"
            + " VALUES (:u, :n, :p, :h, :c)")
        .bind("u", userId).bind("n", name).bind("p", prefix).bind("h", Secrets.sha256(secret)).bind("c", Rows.utc(now))
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    return new Created(new ApiToken(id, userId, name, prefix, now, null), secret);
  }

  /** A user's tokens, oldest first. */
  public List<ApiToken> list(long userId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT id, user_id, name, prefix, created, last_used FROM auth_token"
            + " WHERE user_id = :u ORDER BY id")
        .bind("u", userId).map((rs, c) -> token(rs)).list());
  }

  public Optional<ApiToken> byId(long id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT id, user_id, name, prefix, created, last_used FROM auth_token WHERE id = :id")
        .bind("id", id).map((rs, c) -> token(rs)).findOne());
  }

  /** Deletes a token. False when there was none with that id. */
  public boolean revoke(long id) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM auth_token WHERE id = :id").bind("id", id).execute()) > 0;
  }

  /** The active owner of {@code secret}, or empty; notes the use (at most once a minute). */
  public Optional<User> user(String secret) {
    if (!Secrets.plausible(secret, Secrets.TOKEN_PREFIX)) {
      return Optional.empty();
    }
    String hash = Secrets.sha256(secret);
    Instant now = clock.instant();
    return jdbi.withHandle(h -> {
      Optional<User> u = h.createQuery("SELECT u.id, u.username, u.password_hash, u.is_admin, u.is_active, u.created,"
              + " u.last_login FROM auth_token t JOIN auth_user u ON u.id = t.user_id WHERE t.token_hash = :h AND u.is_active")
          .bind("h", hash).map((rs, c) -> Rows.user(rs)).findOne();
      if (u.isPresent()) {
        h.createUpdate("UPDATE auth_token SET last_used = :now WHERE token_hash = :h AND (last_used IS NULL OR last_used < :before)")
            .bind("now", Rows.utc(now)).bind("h", hash).bind("before", Rows.utc(now.minus(TOUCH_EVERY))).execute();
      }
      return u;
    });
  }

  private static ApiToken token(ResultSet rs) throws SQLException {
    return new ApiToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"), rs.getString("prefix"),
        Rows.instant(rs, "created"), Rows.instant(rs, "last_used"));
  }
}
