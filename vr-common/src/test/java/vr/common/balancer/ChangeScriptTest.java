package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.ssh.CommandResult;

/** The change script run by a local sh, as a balancer host runs it, and its answers parsed as the balancer does. */
class ChangeScriptTest {
  @TempDir Path dir;

  ChangeScript.Answer run(String script) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", script).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return ChangeScript.Answer.parse(new CommandResult("test", p.waitFor(), out, err, out.length(), err.length()));
  }

  String change(Map<String, String> current, Map<String, String> next, String activation, String undo) {
    return ChangeScript.change(dir + "/.vr-pools.lock", Duration.ofSeconds(5), true, current, next, activation, undo);
  }

  static Map<String, String> map(String k, String v) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(k, v);
    return m;
  }

  @Test
  void writesTheNewFileWhenTheOldOneIsAsExpectedAndLeavesNoTempFile() throws Exception {
    String f = dir + "/web.conf";
    Files.writeString(Path.of(f), "old\nlast line without newline");
    ChangeScript.Answer a = run(change(map(f, "old\nlast line without newline"), map(f, "it's\nnew\n"), "true", ":"));
    assertThat(a.result()).isEqualTo("ok");
    assertThat(Files.readString(Path.of(f))).isEqualTo("it's\nnew\n");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("web.conf", ".vr-pools.lock");
    }
  }

  @Test
  void answersStaleWithTheCurrentContentsWhenAnotherProcessChangedTheFile() throws Exception {
    String f = dir + "/web.conf";
    String g = dir + "/gone.conf";
    Files.writeString(Path.of(f), "theirs\n");
    Map<String, String> cur = map(f, "mine\n");
    cur.put(g, "was here\n");
    ChangeScript.Answer a = run(change(cur, map(f, "new\n"), "true", ":"));
    assertThat(a.result()).isEqualTo("stale");
    assertThat(a.contents(java.util.List.of(f, g))).containsEntry(f, "theirs\n").containsEntry(g, null);
    assertThat(Files.readString(Path.of(f))).isEqualTo("theirs\n");
  }

  @Test
  void aFailedActivationPutsTheOldFilesBackRunsTheUndoAndSaysWhy() throws Exception {
    String f = dir + "/web.conf";
    String created = dir + "/new.conf";
    Files.writeString(Path.of(f), "old\n");
    Map<String, String> cur = map(f, "old\n");
    cur.put(created, null);
    Map<String, String> next = map(f, "new\n");
    next.put(created, "created\n");
    String activation = "vr_run \"test_cmd 'check'\" 'echo broken line 1; echo line 2 >&2; exit 3' || { vr_tested=1; return 1; }";
    String undo = "[ \"$vr_tested\" = 1 ] && touch " + dir + "/undone";
    ChangeScript.Answer a = run(change(cur, next, activation, undo));
    assertThat(a.result()).isEqualTo("failed");
    assertThat(a.failureMessage()).isEqualTo("test_cmd 'check' failed (exit 3): broken line 1 | line 2 (previous config restored)");
    assertThat(Files.readString(Path.of(f))).isEqualTo("old\n");
    assertThat(Path.of(created)).doesNotExist();
    assertThat(dir.resolve("undone")).exists();
  }

  @Test
  void withNothingToWriteItOnlyConfirmsTheFilesAreAsExpected() throws Exception {
    String f = dir + "/web.conf";
    assertThat(run(change(map(f, null), null, "", "")).result()).isEqualTo("unchanged");
    assertThat(Path.of(f)).doesNotExist();
  }

  @Test
  void aDaemonStartedByACommandDoesNotKeepTheLock() throws Exception {
    String f = dir + "/web.conf";
    // a reload command that leaves a process behind (an init script starting the daemon)
    String activation = "vr_run reload_cmd 'sleep 3 >/dev/null 2>&1 &'";
    assertThat(run(change(map(f, null), map(f, "x\n"), activation, ":")).result()).isEqualTo("ok");
    Process p = new ProcessBuilder("flock", "-n", "-E", "7", dir + "/.vr-pools.lock", "true").start();
    assertThat(p.waitFor()).as("the lock is free once the script ended").isZero();
  }
}
