package vr.common.events;

import java.time.Duration;

/**
 * The Redis names and limits shared by the publishers and readers of events, in one place (the original had
 * them in three packages): proc state changes from the hosts, each host's cached procs, and the deployment
 * events of the server (reference 5.1, 5.3, 7.6).
 */
public final class Channels {
  /** Where proc_publisher publishes every proc state change (JSON: the proc's dictionary plus {@code event}). */
  public static final String PROC_EVENTS = "proc_events";
  /** Prefix of the hash of a host's procs: {@code host_procs:<host>}, proc name to supervisord's dictionary. */
  public static final String HOST_PROCS_PREFIX = "host_procs:";
  /** How long a host's hash lives without a refresh; the listener refreshes it at least once a minute. */
  public static final Duration HOST_PROCS_TTL = Duration.ofSeconds(600);
  /**
   * The field of a host's hash that says when it was written (ISO-8601 instant). No proc can have this name
   * (supervisord's names have no colon), and with it an empty host is a hash, not a missing key.
   */
  public static final String HOST_PROCS_UPDATED = ":updated";
  /**
   * After this long without a refresh a host's hash is stale: its listener refreshes it on every {@code TICK_60},
   * so two missed minutes mean the listener, supervisord or the host is gone.
   */
  public static final Duration HOST_PROCS_STALE_AFTER = Duration.ofSeconds(150);
  /** The server's deployment events: channel, its buffer of the newest ones, and the buffer's length. */
  public static final String DEPLOY_EVENTS = "vr2_events";
  public static final String DEPLOY_EVENTS_BUFFER = "vr2_events_buffer";
  public static final int DEPLOY_EVENTS_BUFFER_LENGTH = 100;
  /** The literal message that asks listeners to flush (an SSE comment for browsers). */
  public static final String FLUSH = "flush";

  private Channels() {}

  /** {@code host_procs:<host>}. */
  public static String hostProcs(String host) {
    return HOST_PROCS_PREFIX + host;
  }
}
