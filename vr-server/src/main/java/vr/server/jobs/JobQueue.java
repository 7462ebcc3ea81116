package vr.server.jobs;

import org.jdbi.v3.core.Handle;

/** Where the API puts accepted work: a {@code jobs} row, and its run scheduled in the same transaction. */
public interface JobQueue {
  /**
   * Queues a job inside the caller's transaction on {@code h}: when the transaction rolls back, neither the row nor
   * its scheduled run remain. Returns the job's id.
   */
  long enqueue(Handle h, String kind, Long targetId, String paramsJson, String traceId, String username);

  /** Only the row, run by nothing (tests of the API without workers). */
  JobQueue ROWS_ONLY = JobRows::insert;
}
