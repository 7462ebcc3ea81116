package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.testing.BalancerRig;
import vr.common.testing.HttpBackend;
import vr.common.testing.HttpProbe;

/** Helpers shared by the balancer integration tests (public: the backends are tested from their own packages). */
public final class BalancerFixtures {
  private BalancerFixtures() {}

  /**
   * Swaps pool {@code pool}'s node ten times (add the new one, delete the old one) while a loop sends
   * requests through the balancer's front end on {@code port}; asserts that not one request failed.
   */
  public static void assertTenSwapsUnderLoadFailNoRequest(Balancer lb, BalancerRig rig, String pool, int port)
      throws Exception {
    HttpBackend current = rig.backend(pool + "-0");
    lb.addNodes(pool, List.of(current.node()));
    HttpProbe.await(port, (pool + "-0")::equals, 3, Duration.ofSeconds(10), "first node not reached");
    HttpProbe.Loop loop = new HttpProbe.Loop(port);
    for (int i = 1; i <= 10; i++) {
      HttpBackend next = rig.backend(pool + "-" + i);
      lb.addNodes(pool, List.of(next.node()));
      lb.deleteNodes(pool, List.of(current.node()));
      current = next;
    }
    HttpProbe.await(port, (pool + "-10")::equals, 5, Duration.ofSeconds(10), "last node not reached");
    loop.close();
    assertThat(loop.failures()).as("failed requests out of " + loop.total()).isEmpty();
    assertThat(loop.total()).isGreaterThan(20);
    assertThat(lb.getNodes(pool)).containsExactly(current.node());
  }

  /** Writes {@code BALANCERS: {lb: {<settings>}}} to a file and loads it, reaching its hosts through {@code ssh}. */
  public static Balancer load(SshHosts ssh, Path dir, String settings) throws IOException {
    return Balancers.load(write(dir, settings), ssh).get("lb");
  }

  private static SshHosts offline;

  /**
   * A client for tests that build balancers without reaching a host: it trusts no host key and offers no key,
   * so it could not log in anywhere. Shared by the test JVM and never closed (it holds no connection).
   */
  public static synchronized SshHosts offline() {
    if (offline == null) {
      offline = SshHosts.start(SshSettings.of(Path.of("target", "no-known-hosts"), List.of()));
    }
    return offline;
  }

  public static Path write(Path dir, String settings) throws IOException {
    Files.createDirectories(dir);
    Path f = Files.createTempFile(dir, "balancers", ".yaml");
    Files.writeString(f, "BALANCERS:\n  lb: {" + settings + "}\n");
    return f;
  }

  /** Runs {@code processes} JVMs at once, each adding {@code perProcess} nodes one change at a time; all must succeed. */
  public static void addConcurrently(Path yaml, String pool, int processes, int perProcess, int firstPort) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      ps.add(new ProcessBuilder(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          ConcurrentAdder.class.getName(), yaml.toString(), "lb", pool, String.valueOf(firstPort + i * 100), String.valueOf(perProcess))
          .redirectErrorStream(true).start());
    }
    for (Process p : ps) {
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as("adder output: " + out).isZero();
    }
  }
}
