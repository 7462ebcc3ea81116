package vr.common.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;

class ExecTest {
  @TempDir Path tmp;

  @Test
  void capturesOutputAndExitCode() {
    Exec.Result r = Exec.of("sh", "-c", "echo out; echo err >&2; exit 3").capture();
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.timedOut()).isFalse();
    assertThat(r.ok()).isFalse();
  }

  @Test
  void passesArgumentsLiterallyWithoutAShell() {
    String tricky = "a b \"c\" 'd' $HOME ${x} `id`; *";
    Exec.Result r = Exec.of("printf", "%s|", tricky, "", "-n").capture();
    assertThat(r.stdout()).isEqualTo(tricky + "||-n|");
  }

  @Test
  void runsInTheGivenDirectoryWithAddedEnvironment() {
    Exec.Result r = Exec.of("sh", "-c", "pwd; echo \"$VR_T1\"; echo \"${PATH:+has-path}\"")
        .dir(tmp).env(Map.of("VR_T1", "one")).check();
    assertThat(r.stdout()).isEqualTo(tmp.toAbsolutePath() + "\none\nhas-path\n");
  }

  @Test
  void replacedEnvironmentInheritsNothing() {
    Exec.Result r = Exec.of("/usr/bin/env").replaceEnv(Map.of("ONLY", "this")).env("AND", "that").check();
    assertThat(r.stdout().lines().sorted()).containsExactly("AND=that", "ONLY=this");
  }

  @Test
  void feedsStdin() {
    assertThat(Exec.of("cat").input("hello\nworld").check().stdout()).isEqualTo("hello\nworld");
    assertThat(Exec.of("wc", "-c").input(new byte[100_000]).check().stdout().strip()).isEqualTo("100000");
  }

  @Test
  void streamsOutputAndReturnsExitCode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Exec.of("sh", "-c", "echo a; echo b >&2; exit 7").stream(out, err);
    assertThat(code).isEqualTo(7);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("b\n");
  }

  @Test
  void checkFailsWithOneLineNamingCommandAndStderrTail() {
    assertThatThrownBy(() -> Exec.of("sh", "-c", "echo first >&2; echo 'the real reason' >&2; exit 4").check())
        .isInstanceOf(VrException.class)
        .hasMessage("sh -c 'echo first >&2; echo '\\''the real reason'\\'' >&2; exit 4' failed with exit status 4: the real reason");
  }

  @Test
  void missingExecutableIsNamed() {
    assertThatThrownBy(() -> Exec.of("vr-no-such-command-xyz", "a").capture())
        .isInstanceOf(VrException.class)
        .hasMessage("cannot run 'vr-no-such-command-xyz': command not found");
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Path pids = tmp.resolve("pids");
    long start = System.nanoTime();
    Exec.Result r = Exec.of("sh", "-c", "sleep 100 & echo $! > " + pids + "; sleep 100 & echo $! >> " + pids + "; wait")
        .timeout(Duration.ofMillis(700)).capture();
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.timedOut()).isTrue();
    assertThat(r.ok()).isFalse();
    assertThat(tookMs).as("returns soon after the timeout, not after the sleeps").isLessThan(30_000);
    for (String pid : Files.readAllLines(pids)) {
      ProcessHandle h = ProcessHandle.of(Long.parseLong(pid.strip())).orElse(null);
      if (h != null) {
        h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(ProcessHandle.of(Long.parseLong(pid.strip())).map(ProcessHandle::isAlive).orElse(false))
          .as("background sleep " + pid + " is gone").isFalse();
    }
  }

  @Test
  void checkReportsTimeout() {
    assertThatThrownBy(() -> Exec.of("sleep", "30").timeout(Duration.ofMillis(300)).check())
        .isInstanceOf(VrException.class)
        .hasMessage("sleep 30 timed out after 0.3 s and was killed");
  }

  @Test
  void finishesNormallyWithinTimeout() {
    Exec.Result r = Exec.of("echo", "quick").timeout(Duration.ofSeconds(30)).capture();
    assertThat(r.ok()).isTrue();
    assertThat(r.stdout()).isEqualTo("quick\n");
  }
}
