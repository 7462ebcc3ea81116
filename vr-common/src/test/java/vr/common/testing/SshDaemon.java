package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd on 127.0.0.1 and a free port, for tests: its own config, host key and pid file in
 * {@code dir}, root login with a throwaway client key, SFTP through {@code internal-sftp}. {@link #knownHosts()}
 * holds its host key the way OpenSSH records a non-22 port ({@code [127.0.0.1]:port}).
 */
public final class SshDaemon implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final long pid;

  private SshDaemon(Path dir, int port, long pid) {
    this.dir = dir;
    this.port = port;
    this.pid = pid;
  }

  /** Starts sshd with its files under {@code dir} (created if needed). Needs root and openssh-server. */
  public static SshDaemon start(Path dir) throws IOException, InterruptedException {
    Prereqs.root();
    Path sshd = Prereqs.command("sshd", "openssh-server");
    Prereqs.command("ssh-keygen", "openssh-client");
    Files.createDirectories(dir);
    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    keygen(dir.resolve("host_key"));
    keygen(dir.resolve("client_key"));
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    int port = Daemons.freePort();
    String conf = String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_key"),
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "StrictModes no",
        "UsePAM no",
        "MaxStartups 100",
        "MaxSessions 100",
        "LogLevel ERROR",
        "Subsystem sftp internal-sftp",
        // Debian's bash sources ~/.bashrc for every ssh command unless it is a nested shell (SHLVL >= 2); a
        // heavy root .bashrc on a test machine (pyenv and the like) would otherwise add ~0.5 s to each command.
        "SetEnv SHLVL=1",
        "");
    Files.writeString(dir.resolve("sshd_config"), conf);
    Process p = new ProcessBuilder(sshd.toString(), "-f", dir.resolve("sshd_config").toString(), "-E", dir.resolve("sshd.log").toString())
        .redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("sshd did not start: " + new String(p.getInputStream().readAllBytes()) + " " + readLog(dir));
    }
    Daemons.awaitFile(dir.resolve("sshd.pid"), Duration.ofSeconds(10));
    Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(10));
    String hostKey = Files.readString(dir.resolve("host_key.pub")).strip();
    Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + hostKey + "\n");
    Files.writeString(dir.resolve("empty_known_hosts"), "");
    return new SshDaemon(dir, port, Daemons.readPid(dir.resolve("sshd.pid")));
  }

  private static String readLog(Path dir) {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "";
    }
  }

  private static void keygen(Path key) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vr-test", "-f", key.toString()))
        .redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ssh-keygen failed: " + new String(p.getInputStream().readAllBytes()));
    }
  }

  public int port() {
    return port;
  }

  /** The listening sshd's PID: each connection to it is a child process of it while it lasts. */
  public long pid() {
    return pid;
  }

  public String hostAndPort() {
    return "127.0.0.1:" + port;
  }

  public Path clientKey() {
    return dir.resolve("client_key");
  }

  /** A known_hosts file that trusts this daemon. */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /** A known_hosts file that trusts nothing. */
  public Path emptyKnownHosts() {
    return dir.resolve("empty_known_hosts");
  }

  /** YAML settings (flow style, no braces) for an SSH balancer logging in here as root, e.g. inside {@code {BACKEND: nginx, <here>}}. */
  public String balancerSettings() {
    return "user: root, hosts: ['" + hostAndPort() + "'], key_file: '" + clientKey() + "', known_hosts: '" + knownHosts() + "'";
  }

  @Override
  public void close() {
    Daemons.stop(pid);
  }
}
