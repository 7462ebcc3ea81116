package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Progress;
import vr.common.cli.Tool;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.common.testing.FileServer;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;
import vr.common.yaml.Yaml;
import vr.runner.cli.VrunCommand;

/**
 * What the runner's integration tests share: vrun against real LXC containers on a busybox stack, with images
 * and builds served over HTTP from a folder of the class, and a {@code VR_ROOT} of each test's own.
 */
abstract class RunnerItBase {
  @TempDir static Path served;
  static FileServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void serve() throws Exception {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Stacks.busyboxImage(served.resolve("busybox.tar.gz"));
    server = new FileServer(served);
  }

  @AfterAll
  static void stopServing() {
    if (server != null) {
      server.close();
    }
  }

  Path root() {
    return tmp.resolve("apps");
  }

  Runner runner() {
    return new Runner(new VrPaths(root()), Lxc.host(), Progress.NONE, Map.of("VR_TEST_VAR", "from the runner's env"));
  }

  Tool.Result vrun(String... args) {
    return Tool.capture(new VrunCommand(runner()), args);
  }

  ProcPlan plan(Path yaml) {
    return ProcPlan.check(ProcData.load(yaml), new VrPaths(root()), ProcPlan.Where.NOWHERE);
  }

  String build(String name, Map<String, String> files) throws Exception {
    Fixtures.build(served.resolve(name), files);
    return name;
  }

  /** Runs the set-up proc to its end and returns its output. */
  String runToEnd(Path yaml) throws Exception {
    Process p = runner().start(plan(yaml), Extras.NONE, new ProcessBuilder().redirectErrorStream(true));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    runner().stop(plan(yaml));
    return out + "exit=" + p.exitValue();
  }
}
