package vr.server.swarm;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import vr.server.records.ReleaseService;

/**
 * The SQL behind "one build of an app, tag and image at a time": a build is claimed by marking it
 * {@code started} with the claiming job's id, under a lock on the app's row, and only when no other running job
 * holds a started build of the same app, tag and image. A holder whose server died keeps its claim; its job,
 * taken over by another server (same job id), claims again and goes on. Finishing clears the claim.
 */
final class BuildClaims {
  /** What a job should do about a build. */
  sealed interface Decision {
    /** It holds the build now: build it. */
    record Build() implements Decision {}

    /** The build has a stored result already. */
    record Done() implements Decision {}

    /** Another job is building {@code holderBuildId} (this build or one of the same app, tag and image). */
    record Wait(long holderBuildId, long holderJobId) implements Decision {}
  }

  /** A build's state as a waiter sees it. */
  record State(String status, Long jobId, String jobState) {
    boolean finished() {
      return "success".equals(status) || "failed".equals(status) || "expired".equals(status);
    }

    /** Still being built by a live claim: started, by a job that is running. */
    boolean building() {
      return "started".equals(status) && jobId != null && "running".equals(jobState);
    }
  }

  private final Jdbi jdbi;

  BuildClaims(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** {@code reuse}: a build that already has a stored result is {@link Decision.Done}, else it is built again. */
  Decision claim(long buildId, long jobId, boolean reuse) {
    return jdbi.inTransaction(h -> {
      Map<String, Object> b = h.createQuery("SELECT app_id, tag, os_image_id, status, file FROM builds WHERE id = :b")
          .bind("b", buildId).mapToMap().one();
      // Serialises claims of one app's builds across servers (a row lock on the app, on PostgreSQL and H2).
      h.createQuery("SELECT id FROM apps WHERE id = :a FOR UPDATE").bind("a", b.get("app_id")).mapTo(Long.class).one();
      b = h.createQuery("SELECT app_id, tag, os_image_id, status, file FROM builds WHERE id = :b")
          .bind("b", buildId).mapToMap().one();
      if (reuse && "success".equals(b.get("status")) && b.get("file") != null) {
        return new Decision.Done();
      }
      Object image = b.get("os_image_id");
      Optional<Map<String, Object>> holder = h.createQuery("SELECT b.id, b.job_id FROM builds b JOIN jobs j ON j.id = b.job_id "
              + "WHERE b.app_id = :a AND b.tag = :t AND " + (image == null ? "b.os_image_id IS NULL" : "b.os_image_id = :i")
              + " AND b.status = 'started' AND j.state = 'running' AND b.job_id <> :me ORDER BY b.id")
          .bind("a", b.get("app_id")).bind("t", b.get("tag")).bind("i", image).bind("me", jobId).mapToMap().findFirst();
      if (holder.isPresent()) {
        return new Decision.Wait(((Number) holder.get().get("id")).longValue(), ((Number) holder.get().get("job_id")).longValue());
      }
      h.createUpdate("UPDATE builds SET status = 'started', start_time = :n, end_time = NULL, job_id = :me WHERE id = :b")
          .bind("n", OffsetDateTime.now()).bind("me", jobId).bind("b", buildId).execute();
      return new Decision.Build();
    });
  }

  State state(long buildId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT b.status, b.job_id, j.state FROM builds b LEFT JOIN jobs j "
            + "ON j.id = b.job_id WHERE b.id = :b").bind("b", buildId)
        .map((rs, ctx) -> new State(rs.getString(1), (Long) rs.getObject(2, Long.class), rs.getString(3))).one());
  }

  /** The one-line message of the job that held a build, when it has finished (for a waiter's failure). */
  Optional<String> jobMessage(long jobId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT message FROM jobs WHERE id = :j").bind("j", jobId)
        .mapTo(String.class).findOne());
  }

  /** Whether {@code jobId} still holds the build (another attempt of a taken-over job has not replaced it). */
  private static boolean holds(Handle h, long buildId, long jobId) {
    return h.createQuery("SELECT COUNT(*) FROM builds WHERE id = :b AND job_id = :j AND status = 'started'")
        .bind("b", buildId).bind("j", jobId).mapTo(Long.class).one() > 0;
  }

  /** Records a successful build and hashes its releases; false when the claim was lost. */
  boolean success(long buildId, long jobId, Map<String, Object> values) {
    return jdbi.inTransaction(h -> {
      if (!holds(h, buildId, jobId)) {
        return false;
      }
      h.createUpdate("UPDATE builds SET status = 'success', end_time = :n, job_id = NULL, file = :file, "
              + "file_md5 = :file_md5, hash = :hash, env_yaml = :env_yaml, buildpack_url = :buildpack_url, "
              + "buildpack_version = :buildpack_version, compile_log = :compile_log WHERE id = :b")
          .bindMap(values).bind("n", OffsetDateTime.now()).bind("b", buildId).execute();
      hashReleases(h, buildId);
      return true;
    });
  }

  /**
   * Records a failed build (with its log when there is one), and the reason on the holding job's row at once, for
   * the jobs waiting on it (the job itself is finished later); false when the claim was lost.
   */
  boolean failure(long buildId, long jobId, String compileLogKey, String reason) {
    return jdbi.inTransaction(h -> {
      if (!holds(h, buildId, jobId)) {
        return false;
      }
      h.createUpdate("UPDATE builds SET status = 'failed', end_time = :n, job_id = NULL, "
              + "compile_log = COALESCE(:log, compile_log) WHERE id = :b")
          .bind("n", OffsetDateTime.now()).bind("log", compileLogKey).bind("b", buildId).execute();
      h.createUpdate("UPDATE jobs SET message = :m WHERE id = :j").bind("m", reason).bind("j", jobId).execute();
      return true;
    });
  }

  /**
   * Gives {@code buildId} the outcome of {@code fromId}, a build of the same app, tag and image that another job
   * finished while this one waited: its stored result on success, failed otherwise.
   */
  void adopt(long buildId, long fromId) {
    jdbi.useTransaction(h -> {
      Map<String, Object> from = h.createQuery("SELECT * FROM builds WHERE id = :b").bind("b", fromId).mapToMap().one();
      if ("success".equals(from.get("status"))) {
        h.createUpdate("UPDATE builds SET status = 'success', job_id = NULL, file = :file, file_md5 = :file_md5, "
                + "hash = :hash, env_yaml = :env_yaml, buildpack_url = :buildpack_url, buildpack_version = :buildpack_version, "
                + "compile_log = :compile_log, start_time = :start_time, end_time = :end_time WHERE id = :b")
            .bindMap(from).bind("b", buildId).execute();
        hashReleases(h, buildId);
      } else {
        h.createUpdate("UPDATE builds SET status = 'failed', job_id = NULL, end_time = :n WHERE id = :b")
            .bind("n", OffsetDateTime.now()).bind("b", buildId).execute();
      }
    });
  }

  private static void hashReleases(Handle h, long buildId) {
    List<Long> releases = h.createQuery("SELECT id FROM releases WHERE build_id = :b").bind("b", buildId)
        .mapTo(Long.class).list();
    for (long r : releases) {
      ReleaseService.hashIfBuilt(h, r);
    }
  }
}
