package vr.server.swarm;

/** New procs that failed their uptests: they were removed, routing was left alone, the old procs still serve. */
public final class UptestFailedException extends SwarmFailedException {
  private static final long serialVersionUID = 1L;

  UptestFailedException(String message) {
    super(message);
  }
}
