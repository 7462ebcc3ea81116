package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.Lab;

/**
 * {@code vr.cli} as an operator runs it: the packaged launcher ({@code dist/bin/vr.cli} laid out from the built
 * jar) as a process, against a real vr-server ({@link ServerRig}), with stdout a pipe.
 */
class CliLauncherIT {
  @TempDir static Path dir;
  static ServerRig rig;
  static Path bin;

  @BeforeAll
  static void start() throws Exception {
    // the build of the Ctrl-C test must hang on the rig's silent build host for longer than the test takes
    rig = new ServerRig(dir, "HOST_DEADLINE: 300\n");
    bin = Lab.toolsFromTargets(dir.resolve("dist"), Set.of("vr.cli")).resolve("vr.cli");
  }

  @AfterAll
  static void stop() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  /** Where each process's stdout goes: a file, so stdout is not a terminal, as in a pipe. */
  private static final Map<Process, Path> OUTS = new java.util.concurrent.ConcurrentHashMap<>();

  static Process launch(Map<String, String> env, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(bin.toString()), Stream.of(args)).toList());
    pb.environment().keySet().removeIf(k -> k.startsWith("VELOCIRAPTOR_"));
    pb.environment().putAll(env);
    Path out = dir.resolve("out-" + System.nanoTime());
    Process p = pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
    OUTS.put(p, out);
    return p;
  }

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String... args) throws Exception {
    Process p = launch(env, args);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(OUTS.get(p)), err);
  }


  @Test
  void listSwarmsWithATokenFilePrintsPlainLinesIntoAPipe() throws Exception {
    String token = rig.api("POST", "api/v1/tokens/", "{\"name\": \"ci\"}").path("token").asText();
    Path file = dir.resolve("token");
    Files.writeString(file, token + "\n");
    Run r = run(Map.of("VELOCIRAPTOR_URL", rig.url, "VELOCIRAPTOR_TOKEN_FILE", file.toString()), "list-swarms", "shop-");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).matches("Loaded 3 swarms in [0-9.]+s\nshop-prod-cron\nshop-prod-web\nshop-prod-worker\n");
    assertThat(r.out() + r.err()).doesNotContain("\u001b[");
  }

  @Test
  void ctrlCWhileWaitingExits130AndSaysTheSwarmGoesOn() throws Exception {
    // v9 has no build yet: the dispatch first builds it, on the rig's build host that never answers
    Process p = launch(rig.env(), "swarm", "shop-prod-cron", "v9", "--wait");
    java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    Path out = OUTS.get(p);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // following: the build's start event is shown (the build then hangs on the rig's silent build host)
    while (!Files.readString(out).contains(" build     Started build shop-v9") && System.nanoTime() < end && p.isAlive()) {
      Thread.sleep(50);
    }
    String dispatched = Files.readString(out);
    assertThat(dispatched).as("still running: " + p.isAlive()).containsPattern("shop-prod-cron \\[v9\\] swarm_id [0-9a-f]+\n");
    String trace = dispatched.replaceAll("(?s).*swarm_id ([0-9a-f]+)\n.*", "$1");
    assertThat(p.isAlive()).as(() -> {
      try {
        return "ended early: " + Files.readString(out) + err.lines().reduce("", (a, b) -> a + b + "\n");
      } catch (IOException e) {
        return e.toString();
      }
    }).isTrue();
    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String said = err.lines().reduce("", (a, b) -> a + b + "\n");
    assertThat(p.exitValue()).as(said).isEqualTo(130);
    assertThat(said).endsWith("vr.cli: interrupted: stopped following; still running on the server: shop-prod-cron (swarm_id "
        + trace + ")\n");
  }
}
