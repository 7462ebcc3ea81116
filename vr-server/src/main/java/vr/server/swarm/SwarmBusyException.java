package vr.server.swarm;

/** A dispatch refused because another dispatch of the same swarm is running; the message names its trace. */
public final class SwarmBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String runningTrace;

  SwarmBusyException(String message, String runningTrace) {
    super(message);
    this.runningTrace = runningTrace;
  }

  /** The trace id of the dispatch that runs. */
  public String runningTrace() {
    return runningTrace;
  }
}
