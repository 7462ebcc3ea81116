package vr.common.ssh;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to log in: host and port, user, a password and/or a private key file, the known_hosts file
 * the host key is checked against, and whether an unknown host key may be accepted (and then recorded).
 * A changed host key is always refused.
 */
public record SshTarget(
    String host,
    int port,
    String user,
    String password,
    Path keyFile,
    Path knownHosts,
    boolean acceptUnknownHosts,
    Duration timeout) {

  public SshTarget {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("ssh host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("ssh port must be 1-65535, not " + port);
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("ssh user is empty");
    }
    if (knownHosts == null) {
      knownHosts = defaultKnownHosts();
    }
    if (timeout == null) {
      timeout = Duration.ofSeconds(15);
    }
  }

  /** {@code ~/.ssh/known_hosts} of the user running the JVM. */
  public static Path defaultKnownHosts() {
    return Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
  }

  /** True when commands need sudo to act as root. */
  public boolean needsSudo() {
    return !"root".equals(user);
  }

  /** {@code host} for port 22, else {@code host:port}: how results and errors name the host. */
  public String label() {
    return port == 22 ? host : host + ":" + port;
  }

  @Override
  public String toString() {
    return user + "@" + label();
  }
}
