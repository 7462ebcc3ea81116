package vr.common.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How an {@link SshHosts} logs in: the known_hosts file every host key is checked against (there is no
 * way to accept an unknown key), the private key files offered, the user for hosts named without one, the
 * time allowed to connect and log in, how many SSH connections to keep per host and how many commands
 * each may carry at once (OpenSSH's {@code MaxSessions} defaults to 10), and how long an unused connection
 * stays open.
 */
public record SshSettings(Path knownHosts, List<Path> identities, String defaultUser, Duration connectTimeout,
    int connectionsPerHost, int channelsPerConnection, Duration idleTime) {
  public SshSettings {
    if (knownHosts == null) {
      throw new IllegalArgumentException("knownHosts is required: host keys are always verified");
    }
    identities = List.copyOf(identities == null ? List.of() : identities);
    defaultUser = defaultUser == null ? "root" : defaultUser;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(15) : connectTimeout;
    idleTime = idleTime == null ? Duration.ofSeconds(60) : idleTime;
    if (connectionsPerHost < 1 || channelsPerConnection < 1) {
      throw new IllegalArgumentException("connectionsPerHost and channelsPerConnection must be at least 1");
    }
  }

  /** root, 15 s to connect, 4 connections of 8 channels per host, closed after 60 s unused. */
  public static SshSettings of(Path knownHosts, List<Path> identities) {
    return new SshSettings(knownHosts, identities, "root", Duration.ofSeconds(15), 4, 8, Duration.ofSeconds(60));
  }

  public SshSettings withDefaultUser(String user) {
    return new SshSettings(knownHosts, identities, user, connectTimeout, connectionsPerHost, channelsPerConnection, idleTime);
  }

  public SshSettings withConnectTimeout(Duration t) {
    return new SshSettings(knownHosts, identities, defaultUser, t, connectionsPerHost, channelsPerConnection, idleTime);
  }

  public SshSettings withPool(int connections, int channels, Duration idle) {
    return new SshSettings(knownHosts, identities, defaultUser, connectTimeout, connections, channels, idle);
  }
}
