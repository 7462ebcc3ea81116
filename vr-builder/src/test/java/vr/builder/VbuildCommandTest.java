package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.builder.cli.VbuildCommand;

class VbuildCommandTest {
  @TempDir Path tmp;

  int run(int euid, StringWriter err, String... args) {
    VbuildCommand cmd = new VbuildCommand(() -> job -> {
      throw new AssertionError("no container may start");
    }, () -> euid, () -> new BuilderHome(tmp.resolve("home")), Map.of());
    return VbuildCommand.run(cmd, new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
  }

  @Test
  void refusesToRunAsAnotherUserBeforeReadingTheAppYaml() {
    StringWriter err = new StringWriter();
    int code = run(1000, err, "build", tmp.resolve("missing.yaml").toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("vbuild: error: must run as root: builds run in LXC containers and "
        + "switch to the build user (try: sudo vbuild ...)");
    assertThat(tmp.resolve("home")).doesNotExist();
  }

  @Test
  void shellRefusesToRunAsAnotherUserToo() {
    StringWriter err = new StringWriter();
    assertThat(run(1000, err, "shell", "app.yaml")).isEqualTo(1);
    assertThat(err.toString()).contains("must run as root");
  }

  @Test
  void aMissingAppYamlIsAnInputError() {
    StringWriter err = new StringWriter();
    assertThat(run(0, err, "build", tmp.resolve("missing.yaml").toString())).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("vbuild: error: missing.yaml: no such file");
  }

  @Test
  void aVersionThatYamlReadsAsANumberIsAnInputError() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("app.yaml"),
        "app_name: a\napp_repo_type: git\napp_repo_url: /r\nversion: 9.0\nbuildpack_url: /bp\nimage_url: /i.tar.gz\n");
    StringWriter err = new StringWriter();
    assertThat(run(0, err, "build", yaml.toString())).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("vbuild: error: app.yaml line 4: version must be a string; quote it, "
        + "e.g. version: '9.0'");
    assertThat(tmp.resolve("home")).doesNotExist();
  }

  @Test
  void aCommandIsRequired() {
    StringWriter err = new StringWriter();
    assertThat(run(0, err)).isEqualTo(2);
  }
}
