package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the balancer integration tests (public: the backends are tested from their own packages). */
public final class BalancerFixtures {
  private BalancerFixtures() {}

  /** Writes {@code BALANCERS: {lb: {<settings>}}} to a file and loads it. */
  public static Balancer load(Path dir, String settings) throws IOException {
    return Balancers.load(write(dir, settings)).get("lb");
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
