package vr.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import vr.common.InputException;
import vr.common.VrException;

class ToolTest {

  @Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
  static class Demo implements Callable<Integer> {
    @Mixin DebugOption debug;
    @Parameters(index = "0") String what;

    @Override
    public Integer call() {
      switch (what) {
        case "input" -> throw new InputException("proc.yaml line 4: port must be an integer");
        case "fail" -> throw new VrException("it broke");
        case "bug" -> throw new IllegalStateException("surprise");
        default -> {
          return 0;
        }
      }
    }
  }

  @Test
  void inputErrorExitsTwoWithOneLine() {
    Tool.Result r = Tool.capture(new Demo(), "input");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("demo: error: proc.yaml line 4: port must be an integer\n");
  }

  @Test
  void failureExitsOneWithoutStackTrace() {
    Tool.Result r = Tool.capture(new Demo(), "fail");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("demo: error: it broke\n");
  }

  @Test
  void debugShowsStackTrace() {
    Tool.Result r = Tool.capture(new Demo(), "--debug", "bug");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("demo: error: surprise").contains("at vr.common.cli.ToolTest");
  }

  @Test
  void usageErrorExitsTwo() {
    Tool.Result r = Tool.capture(new Demo(), "a", "b");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("demo: error: ").contains("Run 'demo --help'");
  }

  @Test
  void versionComesFromBuild() {
    Tool.Result r = Tool.capture(new Demo(), "--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).matches("demo \\(vr-suite\\) [0-9]+\\.[0-9]+\\.[0-9]+.*\\n");
    // the fast path of main() must print exactly what picocli prints
    assertThat(Tool.versionLine(new Demo()) + "\n").isEqualTo(r.out());
  }
}
