package vr.common.ssh;

import vr.common.VrException;

/**
 * The host could not be reached or logged into, so no command ran: distinct from a command that ran and
 * failed, because the remedy is different (the network, sshd, a key, known_hosts) and a caller may try
 * another host. {@link #reason()} says which.
 */
public class HostUnreachableException extends VrException {
  private static final long serialVersionUID = 1L;

  /** Why the host could not be reached. */
  public enum Reason {
    /** Nothing listens on the port (connection refused). */
    REFUSED,
    /** No answer within the connect timeout (dead host, firewall, hung sshd). */
    TIMEOUT,
    /** The host name does not resolve. */
    UNKNOWN_NAME,
    /** sshd answered but accepted none of our keys for the user. */
    AUTH_FAILED,
    /** The host's key is not in known_hosts. */
    UNKNOWN_HOST_KEY,
    /** The host's key differs from the one known_hosts records for it. */
    CHANGED_HOST_KEY,
    /** Any other failure before a command could run (reset connection, protocol error). */
    OTHER
  }

  private final Reason reason;
  private final String host;

  public HostUnreachableException(String host, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.host = host;
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The host as the caller named it ({@code host} or {@code host:port}). */
  public String host() {
    return host;
  }
}
