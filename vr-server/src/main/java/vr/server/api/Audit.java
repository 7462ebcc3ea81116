package vr.server.api;

/**
 * The deployment log and its event: every user action (build, swarm, deploy, start, stop, restart, destroy,
 * upload, ...) is recorded with its user, and published as a deployment event titled
 * {@code "<username>: <action> <object>"} with tags {@code ["user", action]} (+ {@code "failed"}), as the
 * original's {@code eventify} did.
 */
public interface Audit {
  /** Records {@code action} on {@code object} by {@code who}; {@code detail} (may be null) is the event's message. */
  void record(Principal who, String action, String object, String detail, boolean failed);

  /** For tests and tools that need none. */
  Audit NONE = (who, action, object, detail, failed) -> {};
}
