package vr.server.records;

import java.time.OffsetDateTime;
import org.jdbi.v3.core.Jdbi;
import vr.server.api.Audit;
import vr.server.api.Principal;

/**
 * The deployment log (reference 7.2 DeploymentLogEntry) with the original's {@code eventify}: a row with the
 * user, then the event through {@code publish} (which must not throw: events are best effort, the row is not).
 */
public final class DbAudit implements Audit {
  /** What the event side receives: user, action, object, detail, failed. */
  public interface Publisher {
    void publish(String user, String action, String object, String detail, boolean failed);
  }

  private final Jdbi jdbi;
  private final Publisher publisher;

  public DbAudit(Jdbi jdbi, Publisher publisher) {
    this.jdbi = jdbi;
    this.publisher = publisher;
  }

  @Override
  public void record(Principal who, String action, String object, String detail, boolean failed) {
    String user = who == null ? null : who.username();
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO deployment_log (action_type, logged_at, username, message) "
            + "VALUES (:a, :t, :u, :m)")
        .bind("a", action).bind("t", OffsetDateTime.now()).bind("u", user).bind("m", action + " " + object).execute());
    publisher.publish(user, action, object, detail, failed);
  }
}
