package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vr.server.store.Database;

/** Users, tokens and sessions on an in-memory H2 (the IT runs the same on PostgreSQL through HTTP). */
class AuthStoreTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Database db = Database.open("jdbc:h2:mem:" + UUID.randomUUID()
      + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", null, null);
  private final Users users = new Users(db.jdbi(), new Passwords(4), clock);
  private final Tokens tokens = new Tokens(db.jdbi(), clock);
  private final Sessions sessions = new Sessions(db.jdbi(), clock, Duration.ofHours(1));

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void createdUserIsFoundWithAHashNotThePassword() {
    User u = users.create("alice", "pw1", true);
    User found = users.find("alice").orElseThrow();
    assertThat(found.id()).isEqualTo(u.id());
    assertThat(found.admin()).isTrue();
    assertThat(found.active()).isTrue();
    assertThat(found.created()).isEqualTo(clock.instant());
    assertThat(found.passwordHash()).startsWith("$2y$04$").doesNotContain("pw1");
    assertThat(users.passwords().verify("pw1", found.passwordHash())).isTrue();
  }

  @Test
  void duplicateAndInvalidNamesAreRefused() {
    users.create("alice", "pw", false);
    assertThatThrownBy(() -> users.create("alice", "other", false)).isInstanceOf(Users.Exists.class);
    assertThatThrownBy(() -> users.create("al ice", "pw", false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> users.create("bob", "", false)).hasMessageContaining("empty");
    assertThat(Users.problem("a.b+c@d_e-f")).isNull();
    assertThat(Users.problem("x".repeat(151))).isNotNull();
  }

  @Test
  void tokenIsFoundByItsSecretOnlyAndRevokedByDeletion() {
    User u = users.create("alice", "pw", false);
    Tokens.Created c = tokens.create(u.id(), "ci");
    assertThat(c.secret()).startsWith(c.token().prefix());
    assertThat(tokens.user(c.secret()).orElseThrow().username()).isEqualTo("alice");
    assertThat(tokens.user(Secrets.newToken())).isEmpty();
    assertThat(tokens.list(u.id())).extracting(ApiToken::name).containsExactly("ci");
    assertThat(tokens.list(u.id()).get(0).lastUsed()).isEqualTo(clock.instant());
    assertThat(tokens.revoke(c.token().id())).isTrue();
    assertThat(tokens.user(c.secret())).isEmpty();
  }

  @Test
  void tokensOfAnInactiveUserDoNotAuthenticate() {
    User u = users.create("alice", "pw", false);
    Tokens.Created c = tokens.create(u.id(), "ci");
    users.setActive(u.id(), false);
    assertThat(tokens.user(c.secret())).isEmpty();
  }

  @Test
  void sessionLastsItsLifetimeAndEndsOnDelete() {
    User u = users.create("alice", "pw", false);
    String id = sessions.create(u.id());
    assertThat(sessions.user(id).orElseThrow().id()).isEqualTo(u.id());
    clock.advance(Duration.ofMinutes(59));
    assertThat(sessions.user(id)).isPresent();
    clock.advance(Duration.ofMinutes(1));
    assertThat(sessions.user(id)).isEmpty();

    String second = sessions.create(u.id());
    assertThat(sessions.delete(second)).isTrue();
    assertThat(sessions.user(second)).isEmpty();
  }

  @Test
  void passwordResetChangesTheHashAndUserSessionsCanBeEnded() {
    User u = users.create("alice", "old", false);
    String s = sessions.create(u.id());
    users.setPassword(u.id(), "new");
    assertThat(users.passwords().verify("new", users.byId(u.id()).orElseThrow().passwordHash())).isTrue();
    assertThat(sessions.deleteForUser(u.id())).isEqualTo(1);
    assertThat(sessions.user(s)).isEmpty();
  }
}
