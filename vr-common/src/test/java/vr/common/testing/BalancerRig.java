package vr.common.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every balancer integration test stands on: an sshd the balancer reaches its host through, the balancer
 * daemon under test and the HTTP backends it sends requests to. {@link #close} stops all of them, newest first,
 * also when the test class's set-up failed half way.
 */
public final class BalancerRig implements AutoCloseable {
  private final SshDaemon sshd;
  private final List<AutoCloseable> started = new ArrayList<>();

  private BalancerRig(SshDaemon sshd) {
    this.sshd = sshd;
  }

  /** Starts the sshd in {@code dir}/sshd. */
  public static BalancerRig start(Path dir) throws IOException, InterruptedException {
    return new BalancerRig(SshDaemon.start(dir.resolve("sshd")));
  }

  public SshDaemon sshd() {
    return sshd;
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
    sshd.close();
  }
}
