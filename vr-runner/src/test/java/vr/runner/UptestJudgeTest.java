package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.model.UptestResult;
import vr.common.VrException;

/**
 * {@link Uptests#judge} reading what the launcher reports (the runs themselves, with real containers and
 * timeouts, are in LauncherIT). The cgroup hierarchy here is an empty folder, so no container is found.
 */
class UptestJudgeTest {
  @TempDir Path tmp;

  private String data() {
    return "data lxcpath " + tmp.resolve("lxc") + "\n"
        + "data scratch " + tmp.resolve("scratch") + "\n"
        + "data cgroups V2 false false\n"
        + "data hierarchy " + tmp.resolve("cgroup") + "\n"
        + "data host 127.0.0.1\n";
  }

  private List<UptestResult> judge(String manifest) {
    return Uptests.judge(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(5));
  }

  private void output(String container, String text) throws IOException {
    Files.createDirectories(tmp.resolve("scratch").resolve(container).resolve("upper"));
    Files.createDirectories(tmp.resolve("lxc").resolve(container));
    Path output = tmp.resolve("scratch").resolve(container).resolve("output");
    Files.write(output, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void resultsInTheLaunchersOrderWithTheirOutputAndNothingLeft() throws Exception {
    Files.createDirectories(tmp.resolve("cgroup"));
    output("c-l1.1", "ok\n");
    output("c-l1.2", "bad byte \u00ff\n");
    List<UptestResult> r = judge(data() + "start c-l1.1 01 ok\ndone 0 c-l1.1\nstart c-l1.2 02_bad\ndone 3 c-l1.2\n"
        + "start c-l1.3 03_no_output\ndone 126 c-l1.3\nend\n");
    assertThat(r).containsExactly(new UptestResult("01 ok", "ok\n", true),
        new UptestResult("02_bad", "bad byte \ufffd\n", false), new UptestResult("03_no_output", "", false));
    assertThat(tmp.resolve("scratch")).isEmptyDirectory();
    assertThat(tmp.resolve("lxc")).isEmptyDirectory();
  }

  @Test
  void noUptestsIsAnEmptyList() {
    assertThat(judge(data() + "end\n")).isEmpty();
  }

  @Test
  void aLauncherThatStopsEarlyOrSaysSomethingElseIsAnError() throws Exception {
    Files.createDirectories(tmp.resolve("cgroup"));
    assertThatThrownBy(() -> judge(data())).isInstanceOf(VrException.class)
        .hasMessage("the launcher stopped before all uptests had run");
    assertThatThrownBy(() -> judge(data() + "start c-l1.1 01\nend\n")).isInstanceOf(VrException.class)
        .hasMessage("the launcher did not report the end of uptest 01");
    assertThatThrownBy(() -> judge(data() + "start c-l1.1 01\ndone 0 c-l1.9\nend\n")).isInstanceOf(VrException.class)
        .hasMessage("the launcher did not report the end of uptest 01");
    assertThatThrownBy(() -> judge(data() + "hello\n")).isInstanceOf(VrException.class)
        .hasMessage("unexpected line from the launcher: hello");
    assertThatThrownBy(() -> judge("start c-l1.1 01\n")).isInstanceOf(VrException.class)
        .hasMessage("the launcher's uptest record lacks lxcpath, scratch or cgroups");
  }
}
