package vr.server.swarm;

/**
 * A dispatch that stopped: a host down, no free port, a deploy or uptest that failed. Its message is what the
 * swarm's run records and what the failure event says; the flow has cleaned up what it made before throwing.
 */
public class SwarmFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SwarmFailedException(String message) {
    super(message);
  }

  public SwarmFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
