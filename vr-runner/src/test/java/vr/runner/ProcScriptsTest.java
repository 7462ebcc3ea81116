package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.yaml.Yaml;

class ProcScriptsTest {
  @TempDir Path tmp;

  /** Sources env.sh in a real sh and prints each variable back. */
  private String sourced(String envSh, String... names) throws Exception {
    Path f = tmp.resolve("env.sh");
    Files.writeString(f, envSh);
    StringBuilder script = new StringBuilder(". " + f + "\n");
    for (String n : names) {
      script.append("printf '%s|' \"$").append(n).append("\"\n");
    }
    Process p = new ProcessBuilder("sh", "-c", script.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  @Test
  void envValuesSurviveQuotingLiterally() throws Exception {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("GREETING", "@How's it going?");
    env.put("NASTY", "$(touch /tmp/pwned) `id` \"q\" \\ ;|&");
    env.put("MULTI", "line1\nline2");
    String out = sourced(ProcScripts.envSh(env, Map.of()), "GREETING", "NASTY", "MULTI");
    assertThat(out).isEqualTo("@How's it going?|$(touch /tmp/pwned) `id` \"q\" \\ ;|&|line1\nline2|");
  }

  @Test
  void dollarValuesComeFromTheRunnersEnvironment() throws Exception {
    Map<String, Object> env = Map.of("DB", "$VR_TEST_DB", "MISSING", "$NOT_SET_ANYWHERE");
    String out = sourced(ProcScripts.envSh(env, Map.of("VR_TEST_DB", "postgres://x'y")), "DB", "MISSING");
    assertThat(out).isEqualTo("postgres://x'y||");
  }

  @Test
  void scalarsAreWrittenAsTheOriginalWroteThem() throws Exception {
    Map<String, Object> env = Map.of("N", 5L, "B", true, "F", false);
    assertThat(sourced(ProcScripts.envSh(env, Map.of()), "N", "B", "F")).isEqualTo("5|True|False|");
  }

  @Test
  void invalidNamesAndNestedValuesAreBadInput() {
    assertThatThrownBy(() -> ProcScripts.envSh(Map.of("A-B", "x"), Map.of())).isInstanceOf(InputException.class)
        .hasMessageContaining("A-B");
    assertThatThrownBy(() -> ProcScripts.envSh(Map.of("A", List.of("x")), Map.of()))
        .isInstanceOf(InputException.class);
  }

  @Test
  void procShSetsPortLastAndEvaluatesTheCommand() {
    String sh = ProcScripts.procSh("app-v1-c-h-web-5003", "python app.py --port $PORT", 5003);
    assertThat(sh).startsWith("#!/bin/sh\n").contains("export PORT=5003\n", "exec /bin/sh -c 'python app.py --port $PORT'\n");
    assertThat(sh.indexOf(". /env.sh")).isLessThan(sh.indexOf("export PORT"));
    assertThat(sh.indexOf(".profile.d")).isLessThan(sh.indexOf(". /env.sh"));
  }

  @Test
  void procWithoutPortHasNoPort() {
    assertThat(ProcScripts.procSh("x", "worker", 0)).contains("unset PORT\n").doesNotContain("export PORT");
  }

  @Test
  void procShRunsUnderBusyboxSh() throws Exception {
    // The whole script must be POSIX sh: let busybox's ash parse it.
    Path f = tmp.resolve("proc.sh");
    Files.writeString(f, ProcScripts.procSh("x", "echo it's \"$PORT\"", 80));
    Process p = new ProcessBuilder("busybox", "sh", "-n", f.toString()).redirectErrorStream(true).start();
    assertThat(new String(p.getInputStream().readAllBytes())).isEmpty();
    assertThat(p.waitFor()).isZero();
  }

  @Test
  void settingsRoundTripThroughYaml() {
    Map<String, Object> settings = Map.of("greeting", "@How's it going?", "nested", Map.of("n", 1L));
    String text = ProcScripts.settingsYaml(settings);
    assertThat(Yaml.parse(text, Path.of("settings.yaml")).asMap()).isEqualTo(settings);
  }
}
