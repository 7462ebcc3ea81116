package vr.server.jobs;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The SQL of the {@code jobs} table: the user-visible record of each job (queued, running, succeeded, failed). */
public final class JobRows {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  static final int MAX_MESSAGE = 1000;

  private JobRows() {}

  /** Inserts a queued job; returns its id. */
  public static long insert(Handle h, String kind, Long targetId, String paramsJson, String traceId, String user) {
    OffsetDateTime now = OffsetDateTime.now();
    return h.createUpdate("INSERT INTO jobs (kind, target_id, params, trace_id, username, state, created_time, updated_time) "
            + "VALUES (:k, :t, :p, :tr, :u, 'queued', :n, :n)")
        .bind("k", kind).bind("t", targetId).bind("p", paramsJson).bind("tr", traceId).bind("u", user).bind("n", now)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /**
   * Starts an attempt: a queued job, or a running one whose server died, becomes running with one more attempt,
   * by {@code runner}. Empty when the job is gone or already finished (its server died between finishing the
   * row and telling the scheduler).
   */
  static Optional<Job> claim(Jdbi jdbi, long id, String runner) {
    return jdbi.inTransaction(h -> {
      OffsetDateTime now = OffsetDateTime.now();
      int n = h.createUpdate("UPDATE jobs SET state = 'running', attempts = attempts + 1, runner = :r, "
              + "started_time = :n, updated_time = :n WHERE id = :id AND state IN ('queued', 'running')")
          .bind("r", runner).bind("n", now).bind("id", id).execute();
      if (n == 0) {
        return Optional.<Job>empty();
      }
      return h.createQuery("SELECT id, kind, target_id, params, trace_id, username, attempts FROM jobs WHERE id = :id")
          .bind("id", id)
          .map((rs, ctx) -> new Job(rs.getLong("id"), rs.getString("kind"), (Long) rs.getObject("target_id", Long.class),
              rs.getString("params"), rs.getString("trace_id"), rs.getString("username"), rs.getInt("attempts")))
          .findOne();
    });
  }

  /**
   * Ends an attempt. Only the newest attempt may: an attempt that another server took over (its own server was
   * taken for dead) finds its number outdated and changes nothing. Returns whether the row changed.
   */
  static boolean finish(Jdbi jdbi, Job job, boolean ok, String message) {
    OffsetDateTime now = OffsetDateTime.now();
    return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET state = :s, message = :m, finished_time = :n, "
            + "updated_time = :n WHERE id = :id AND attempts = :a AND state = 'running'")
        .bind("s", ok ? SUCCEEDED : FAILED).bind("m", oneLine(message)).bind("n", now).bind("id", job.id())
        .bind("a", job.attempt()).execute()) == 1;
  }

  /** The state of a job, for tests and callers polling. */
  public static Optional<String> state(Jdbi jdbi, long id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT state FROM jobs WHERE id = :id").bind("id", id)
        .mapTo(String.class).findOne());
  }

  /** {@code s} on one line, at most {@value #MAX_MESSAGE} characters. */
  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    String t = s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ");
    return t.length() > MAX_MESSAGE ? t.substring(0, MAX_MESSAGE - 3) + "..." : t;
  }
}
