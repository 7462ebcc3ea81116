package vr.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.Lab;

/** What scripts/lab promises as a command: one-line refusals with exit 2, an idempotent up, a rollback. */
class LabScriptIT {
  @TempDir Path tmp;

  private static void assertRefused(Lab.Result r, String words) {
    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output().strip().lines()).as(r.output()).hasSize(1);
    assertThat(r.output()).startsWith("lab: error: ").contains(words);
  }

  @Test
  void badInputIsOneLineAndExit2() throws Exception {
    Lab lab = Lab.of(1, () -> tmp);
    assertRefused(lab.lab(List.of("up", "0")), "N must be 1-20");
    assertRefused(lab.lab(List.of("up", "21")), "N must be 1-20");
    assertRefused(lab.lab(List.of("up", "two")), "N must be a number");
    assertRefused(lab.lab(List.of("--subnet", "8.8.8.0/24", "up", "1")), "must be a private");
    assertRefused(lab.lab(List.of("--tools", tmp.toString(), "up", "1")), "no vrun and proc_publisher");
    assertRefused(lab.lab(List.of("frobnicate")), "unknown command");
    assertRefused(run(List.of(Lab.script().toString(), "--name", "Bad-Name", "status")),
        "lab name 'Bad-Name'");
    assertRefused(run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        Lab.script().toString(), "status")), "run as root");
  }

  @Test
  void upIsIdempotentAndItsNameAndRangeAreRefusedToOthers() throws Exception {
    Path tools = LabIT.tools(tmp.resolve("dist"));
    try (Lab lab = Lab.of(1, () -> tools).up(); Lab other = Lab.of(1, () -> tools)) {
      JsonNode before = lab.status();
      Lab.Result again = lab.lab(List.of("--tools", tools.toString(), "up", "1"));
      assertThat(again.exit()).as(again.output()).isZero();
      assertThat(again.output()).contains("already up");
      assertThat(lab.status()).isEqualTo(before); // the same hosts, pids, ports and password

      assertRefused(lab.lab(List.of("--tools", tools.toString(), "up", "2")), "is up with 1 hosts");
      assertRefused(other.lab(List.of("--tools", tools.toString(), "--subnet", before.get("subnet").asText(), "up", "1")),
          "range " + before.get("subnet").asText() + " in use");
      assertRefused(lab.lab(Map.of("VR_LAB_DIR", tmp.resolve("elsewhere").toString()),
          List.of("--tools", tools.toString(), "up", "1")), "name " + lab.name() + " in use");
    }
  }

  @Test
  void aHalfFailedUpRollsBackAndLeavesNothing() throws Exception {
    Path tools = LabIT.tools(tmp.resolve("dist"));
    // a proc_publisher that never publishes: the hosts never become ready
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.createSymbolicLink(broken.resolve("vrun"), tools.resolve("vrun"));
    Files.writeString(broken.resolve("proc_publisher"), "#!/bin/sh\necho broken >&2\nexit 1\n");
    Files.setPosixFilePermissions(broken.resolve("proc_publisher"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Lab lab = Lab.of(2, () -> broken);
    Lab.Result r = lab.lab(Map.of("VR_LAB_READY_SECONDS", "3"), List.of("--tools", broken.toString(), "up", "2"));
    assertThat(r.exit()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("did not come up").contains("rolling back");
    assertThat(lab.status().get("state").asText()).isEqualTo("down");
    assertThat(Files.list(Path.of("/sys/class/net")).map(p -> p.getFileName().toString()))
        .noneMatch(n -> n.startsWith(lab.name() + "-"));
    assertThat(Path.of("/run/netns", lab.name() + "-1")).doesNotExist();
    assertThat(Files.readString(Path.of("/etc/hosts"))).doesNotContain(lab.name());
    assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")))
        .noneMatch(c -> c.contains("/" + lab.name() + "/"));
  }

  /** Runs a command other than through a lab (another name, another user). */
  private static Lab.Result run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    return new Lab.Result(p.waitFor(), out);
  }
}
