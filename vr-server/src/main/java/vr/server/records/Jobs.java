package vr.server.records;

import java.util.HexFormat;
import java.security.SecureRandom;

/** Trace ids for accepted work; the queue itself is vr.server.jobs (JobQueue, JobRunner). */
public final class Jobs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Jobs() {}

  /** A new trace id, as the original's swarm_trace_id (32 hex). */
  public static String traceId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Only the row, run by nothing: use a {@link vr.server.jobs.JobQueue} (the server's JobRunner) to have it run. */
  public static long enqueue(org.jdbi.v3.core.Handle h, String kind, Long targetId, String paramsJson, String traceId, String user) {
    return vr.server.jobs.JobRows.insert(h, kind, targetId, paramsJson, traceId, user);
  }
}
