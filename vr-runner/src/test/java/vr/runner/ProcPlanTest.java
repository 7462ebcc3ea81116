package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

class ProcPlanTest {
  @TempDir Path root;

  static final String GOOD = """
      app_name: app
      version: v1
      config_name: prod
      release_hash: abcd1234
      proc_name: web
      port: 5003
      user: nobody
      group: nogroup
      image_url: http://127.0.0.1:1/images/busybox.tar.gz
      image_name: busybox
      build_url: http://127.0.0.1:1/builds/app-v1.tar.gz
      """;

  ProcPlan check(String yaml) {
    YamlMap y = Yaml.parse(yaml, Path.of("proc.yaml"));
    return ProcPlan.check(ProcData.from(y), new VrPaths(root), ProcPlan.Where.of(y));
  }

  @Test
  void aGoodProcYamlPasses() {
    ProcPlan p = check(GOOD + "mem_limit: 256M\n");
    assertThat(p.port()).isEqualTo(5003);
    assertThat(p.owner().uid()).isEqualTo(65534);
    assertThat(p.memoryLimit()).isEqualTo(256L << 20);
    assertThat(p.name().format()).isEqualTo("app-v1-prod-abcd1234-web-5003");
  }

  @Test
  void portOutOfRangeNamesPortAndLine() {
    assertThatThrownBy(() -> check(GOOD.replace("port: 5003", "port: 70000")))
        .isInstanceOf(InputException.class).hasMessageStartingWith("proc.yaml line 6: port must be 1-65535");
  }

  @Test
  void portZeroIsAProcWithoutPort() {
    assertThat(check(GOOD.replace("port: 5003", "port: 0")).port()).isZero();
  }

  @Test
  void nonHexMd5NamesTheKey() {
    assertThatThrownBy(() -> check(GOOD + "build_md5: zz\n")).hasMessageContaining("build_md5 must be 32 hex");
    assertThatThrownBy(() -> check(GOOD + "image_md5: 0123\n")).hasMessageContaining("image_md5");
  }

  @Test
  void unknownUserOrGroupNamesTheKey() {
    assertThatThrownBy(() -> check(GOOD.replace("user: nobody", "user: no_such_user_vr")))
        .isInstanceOf(InputException.class).hasMessageContaining("line 7: user 'no_such_user_vr'");
    assertThatThrownBy(() -> check(GOOD.replace("group: nogroup", "group: no_such_group_vr")))
        .hasMessageContaining("group 'no_such_group_vr'");
  }

  @Test
  void missingImageUrlIsBadInputWhenTheImageIsNotHere() {
    assertThatThrownBy(() -> check(GOOD.replace("image_url: http://127.0.0.1:1/images/busybox.tar.gz\n", "")))
        .hasMessageContaining("image_url is missing");
  }

  @Test
  void neitherCmdNorProcNameIsBadInput() {
    assertThatThrownBy(() -> check(GOOD.replace("proc_name: web\n", ""))).isInstanceOf(InputException.class)
        .hasMessageContaining("proc_name");
  }

  @Test
  void volumesOverSystemDirsAreRefused() {
    assertThatThrownBy(() -> check(GOOD + "volumes: [[/srv, /proc/x]]\n")).hasMessageContaining("volumes");
    assertThatThrownBy(() -> check(GOOD + "volumes: [[/srv, /app]]\n")).hasMessageContaining("volumes");
  }

  @Test
  void envNamesAreChecked() {
    assertThatThrownBy(() -> check(GOOD + "env: {A-B: x}\n")).hasMessageContaining("env").hasMessageContaining("A-B");
  }

  @Test
  void imageNameDefaultsToTheTarballName() {
    assertThat(check(GOOD.replace("image_name: busybox\n", "")).imageName()).isEqualTo("busybox");
  }

  @Test
  void anImageNameOfDotsDerivedFromTheUrlIsRefused() {
    String yaml = GOOD.replace("image_name: busybox\n", "").replace("images/busybox.tar.gz", "images/..tar.gz");
    assertThatThrownBy(() -> check(yaml)).isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 1: image_name must not be only dots, not '.'");
  }

  @Test
  void aHugeProcNameNamesTheKeyWithoutRepeatingTheName() {
    String huge = "w".repeat(100_000);
    assertThatThrownBy(() -> check(GOOD.replace("proc_name: web", "proc_name: " + huge)))
        .isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 5: proc_name '" + "w".repeat(60) + "…' (100000 chars) makes the proc name 100026"
            + " bytes long; a file name may have at most 255");
  }
}
