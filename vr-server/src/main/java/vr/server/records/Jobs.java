package vr.server.records;

import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.security.SecureRandom;
import org.jdbi.v3.core.Handle;

/** The queue of accepted work (builds, swarm dispatches, deploys, uptest runs): rows any server may claim. */
public final class Jobs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Jobs() {}

  /** A new trace id, as the original's swarm_trace_id (32 hex). */
  public static String traceId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Queues a job; returns its id. */
  public static long enqueue(Handle h, String kind, Long targetId, String paramsJson, String traceId, String user) {
    OffsetDateTime now = OffsetDateTime.now();
    return h.createUpdate("INSERT INTO jobs (kind, target_id, params, trace_id, username, state, created_time, updated_time) "
            + "VALUES (:k, :t, :p, :tr, :u, 'queued', :n, :n)")
        .bind("k", kind).bind("t", targetId).bind("p", paramsJson).bind("tr", traceId).bind("u", user).bind("n", now)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }
}
