package vr.server.jobs;

/**
 * Runs the jobs of one kind ({@code build}, {@code swarm}, {@code deploy}, ...). A job runs at most once at a time
 * across all servers, but it may run again after its server died mid-way ({@link Job#resumed()}), so a handler is
 * idempotent: each of its steps checks what is already done (a build already stored, a proc already running)
 * before doing it.
 */
@FunctionalInterface
public interface JobHandler {
  /**
   * Does the job; returns a one-line message for the {@code jobs} row. Throwing marks the job failed with the
   * exception's message (one line); a {@link vr.common.VrException} is the expected way to fail.
   */
  String run(Job job) throws Exception;
}
