package vr.common.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;

/**
 * What every balancer integration test stands on: an sshd the balancer reaches its host through, the SSH client
 * it does so with (as the server passes its own), the balancer daemon under test and the HTTP backends it sends
 * requests to. {@link #close} stops all of them, newest first, also when the test class's set-up failed half way.
 */
public final class BalancerRig implements AutoCloseable {
  private final SshDaemon sshd;
  private final SshHosts ssh;
  private final List<AutoCloseable> started = new ArrayList<>();

  private BalancerRig(SshDaemon sshd) {
    this.sshd = sshd;
    this.ssh = SshHosts.start(clientSettings(sshd));
  }

  /** Starts the sshd in {@code dir}/sshd. */
  public static BalancerRig start(Path dir) throws IOException, InterruptedException {
    SshDaemon d = SshDaemon.start(dir.resolve("sshd"));
    try {
      return new BalancerRig(d);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** Settings of a client that logs in to {@code sshd} as its {@link SshDaemon#balancerSettings()} ask. */
  public static SshSettings clientSettings(SshDaemon sshd) {
    return SshSettings.of(sshd.knownHosts(), List.of(sshd.clientKey())).withDefaultUser("root").withConnectTimeout(Duration.ofSeconds(10));
  }

  public SshDaemon sshd() {
    return sshd;
  }

  /** The SSH client the balancers under test are built with; closed with the rig. */
  public SshHosts ssh() {
    return ssh;
  }

  /** Takes {@code daemon} (the balancer under test) to be closed with the rig; returns it. */
  public <T extends AutoCloseable> T own(T daemon) {
    started.add(daemon);
    return daemon;
  }

  /** A new HTTP backend answering {@code id}, closed with the rig. */
  public HttpBackend backend(String id) throws IOException {
    return own(HttpBackend.start(id));
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // keep closing the rest: one daemon that would not stop must not leave the others running
      }
    }
    ssh.close();
    sshd.close();
  }
}
