package vr.server.auth;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** The {@code auth_user} table: users, their password hashes and flags. All of its SQL is here. */
public final class Users {
  /** Django's rule, which the original's accounts followed: letters, digits and {@code @.+-_}, at most 150. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9@.+_-]{1,150}");
  private static final String COLUMNS = "id, username, password_hash, is_admin, is_active, created, last_login";

  /** The name is taken. */
  public static final class Exists extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Exists(String username) {
      super("user '" + username + "' exists");
    }
  }

  private final Jdbi jdbi;
  private final Passwords passwords;
  private final Clock clock;

  public Users(Jdbi jdbi, Passwords passwords, Clock clock) {
    this.jdbi = jdbi;
    this.passwords = passwords;
    this.clock = clock;
  }

  /** Why {@code username} is no valid name, or null. */
  public static String problem(String username) {
    if (username == null || username.isEmpty()) {
      return "the username is empty";
    }
    if (!NAME.matcher(username).matches()) {
      return "a username is 1 to 150 letters, digits and @ . + - _";
    }
    return null;
  }

  public Passwords passwords() {
    return passwords;
  }

  public Optional<User> find(String username) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM auth_user WHERE username = :u")
        .bind("u", username).map((rs, c) -> Rows.user(rs)).findOne());
  }

  public Optional<User> byId(long id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM auth_user WHERE id = :id")
        .bind("id", id).map((rs, c) -> Rows.user(rs)).findOne());
  }

  /** All users by id, or the one named {@code username} when it is not null. */
  public List<User> list(String username) {
    if (username != null) {
      return find(username).map(List::of).orElse(List.of());
    }
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM auth_user ORDER BY id")
        .map((rs, c) -> Rows.user(rs)).list());
  }

  /**
   * Adds an active user. Throws {@link IllegalArgumentException} (the rule broken) for a bad name or
   * password, {@link Exists} when the name is taken (also when another process took it a moment ago).
   */
  public User create(String username, String password, boolean admin) {
    String p = problem(username);
    if (p == null) {
      p = Passwords.problem(password);
    }
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    String hash = passwords.hash(password);
    try {
      long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO auth_user (username, password_hash, is_admin, is_active, created)"
              + " VALUES (:u, :h, :a, TRUE, :t)")
          .bind("u", username).bind("h", hash).bind("a", admin).bind("t", Rows.utc(clock.instant()))
          .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
      return byId(id).orElseThrow();
    } catch (RuntimeException e) {
      if (Rows.uniqueViolation(e)) {
        throw new Exists(username);
      }
      throw e;
    }
  }

  /** Sets a new password (hashed here). False when there is no such user. */
  public boolean setPassword(long id, String password) {
    String p = Passwords.problem(password);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    String hash = passwords.hash(password);
    return update("UPDATE auth_user SET password_hash = :v WHERE id = :id", id, hash);
  }

  public boolean setActive(long id, boolean active) {
    return update("UPDATE auth_user SET is_active = :v WHERE id = :id", id, active);
  }

  public boolean setAdmin(long id, boolean admin) {
    return update("UPDATE auth_user SET is_admin = :v WHERE id = :id", id, admin);
  }

  void touchLogin(long id) {
    update("UPDATE auth_user SET last_login = :v WHERE id = :id", id, Rows.utc(clock.instant()));
  }

  private boolean update(String sql, long id, Object value) {
    return jdbi.withHandle(h -> h.createUpdate(sql).bind("id", id).bind("v", value).execute()) > 0;
  }
}
