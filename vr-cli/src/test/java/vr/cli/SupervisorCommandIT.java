package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;
import vr.common.supervisor.SupervisorClient;
import vr.common.testing.Prereqs;
import vr.common.testing.SupervisorDaemon;

class SupervisorCommandIT {
  @TempDir Path dir;

  static final String NAME = "demo-v1-prod-abcd1234-web-5999";

  @Test
  void installsStartsListsAndRemovesAProc() throws Exception {
    Prereqs.command("supervisord", "supervisor");
    Path procDir = Files.createDirectories(dir.resolve("procs").resolve(NAME));
    Path yaml = procDir.resolve("proc.yaml");
    Files.writeString(yaml, "app_name: demo\nversion: v1\nconfig_name: prod\nrelease_hash: abcd1234\nproc_name: web\nport: 5999\n");
    // Stands in for vrun: supervisord runs '<vrun> run <proc.yaml>'; this one records its arguments and stays up.
    Path fakeVrun = dir.resolve("fake-vrun");
    Files.writeString(fakeVrun, "#!/bin/sh\necho \"$@\" > " + dir.resolve("args") + "\nexec sleep 300\n");
    Files.setPosixFilePermissions(fakeVrun, PosixFilePermissions.fromString("rwxr-xr-x"));

    try (SupervisorDaemon sup = SupervisorDaemon.builder(dir.resolve("sup")).start()) {
      String url = "http://" + sup.username() + ":" + sup.password() + "@127.0.0.1:" + sup.port();
      Tool.Result r = Tool.capture(new VrCli(), "supervisor", "install", yaml.toString(), "--url", url,
          "--include-dir", sup.includeDir().toString(), "--vrun", fakeVrun.toString());
      assertThat(r.err()).isEmpty();
      assertThat(r.exitCode()).isZero();
      assertThat(sup.includeDir().resolve(NAME + ".conf")).exists();

      SupervisorClient client = SupervisorClient.connect(sup.httpUrl(), sup.username(), sup.password());
      awaitState(client, "RUNNING");
      assertThat(Files.readString(dir.resolve("args")).strip()).isEqualTo("run " + yaml);

      Tool.Result status = Tool.capture(new VrCli(), "supervisor", "status", "--url", url);
      assertThat(status.out()).containsPattern(NAME + " +RUNNING");

      Tool.Result removed = Tool.capture(new VrCli(), "supervisor", "remove", NAME, "--url", url,
          "--include-dir", sup.includeDir().toString());
      assertThat(removed.exitCode()).isZero();
      assertThat(sup.includeDir().resolve(NAME + ".conf")).doesNotExist();
      assertThat(client.getAllProcessInfo()).noneMatch(p -> p.name().equals(NAME));
    }
  }

  @Test
  void procYamlOutsideItsProcDirIsBadInput() throws Exception {
    Path yaml = dir.resolve("proc.yaml");
    Files.writeString(yaml, "app_name: demo\nversion: v1\nconfig_name: prod\nrelease_hash: abcd1234\nproc_name: web\nport: 5999\n");
    Tool.Result r = Tool.capture(new VrCli(), "supervisor", "install", yaml.toString(), "--url", "http://127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vr.cli: error: proc.yaml: must be in a directory named after its proc");
  }

  @Test
  void deadSupervisorIsAClearFailure() throws Exception {
    Tool.Result r = Tool.capture(new VrCli(), "supervisor", "status", "--url", "http://127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("vr.cli: error: ").contains("127.0.0.1:1");
  }

  private static void awaitState(SupervisorClient client, String state) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      if (client.getAllProcessInfo().stream().anyMatch(p -> p.name().equals(NAME) && p.statename().equals(state))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(NAME + " did not reach " + state);
  }
}
