package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

class ProcDataTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static final String FULL = """
      app_name: node_example
      app_repo_type: git
      app_repo_url: https://example.invalid/x/node_example.git
      build_md5: 0123456789abcdef0123456789abcdef
      build_url: http://127.0.0.1/builds/node_example-v2.tar.gz
      buildpack_url: https://example.invalid/bp.git#abc
      buildpack_version: abc
      config_name: prod
      env:
        a: 1
      group: nogroup
      host: host1.example.com
      mem_limit: 256M
      memsw_limit: null
      port: 5003
      proc_name: web
      release_hash: f96054b7
      settings:
        b: 2
        greeting: "@How's it going?"
      user: nobody
      version: v2
      volumes:
      - [/var/data, /data]
      """;

  @Test
  void readsEveryKey() throws Exception {
    ProcData p = ProcData.load(write("proc.yaml", FULL));
    assertThat(p.name().format()).isEqualTo("node_example-v2-prod-f96054b7-web-5003");
    assertThat(p.env()).containsEntry("a", 1L);
    assertThat(p.settings()).containsEntry("greeting", "@How's it going?");
    assertThat(p.volumes()).containsExactly(new ProcData.Volume("/var/data", "/data"));
    assertThat(p.memLimit()).isEqualTo("256M");
    assertThat(p.group()).isEqualTo("nogroup");
  }

  @Test
  void roundTripsThroughYamlExactly() throws Exception {
    ProcData p = ProcData.load(write("proc.yaml", FULL));
    String out = p.toYaml();
    ProcData again = ProcData.load(write("again.yaml", out));
    assertThat(again).isEqualTo(p);
    assertThat(again.settings().get("greeting")).isEqualTo("@How's it going?");
  }

  @Test
  void writesBlockStyleWithSortedKeys() throws Exception {
    String out = ProcData.load(write("proc.yaml", FULL)).toYaml();
    assertThat(out).startsWith("app_folder: null\napp_name: node_example\n");
    assertThat(out).contains("volumes:\n- - /var/data\n  - /data\n");
    assertThat(out).doesNotContain("{");
  }

  @Test
  void legacyProcKeyMeansProcName() throws Exception {
    ProcData p = ProcData.load(write("proc.yaml", "proc: worker\nport: 0\n"));
    assertThat(p.procName()).isEqualTo("worker");
  }

  @Test
  void procNeedsProcNameOrCmd() throws Exception {
    Path f = write("proc.yaml", "app_name: x\nport: 5000\n");
    assertThatThrownBy(() -> ProcData.load(f))
        .isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 1: proc_name: a proc needs proc_name or cmd");
  }

  @Test
  void portMustBeAnInteger() throws Exception {
    Path f = write("proc.yaml", "app_name: x\nproc_name: web\n\nport: fifty\n");
    assertThatThrownBy(() -> ProcData.load(f))
        .isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 4: port must be an integer");
  }

  @Test
  void unknownKeysAreKept() throws Exception {
    ProcData p = ProcData.load(write("proc.yaml", "cmd: sleep 1\nfuture_key: [1, 2]\n"));
    assertThat(p.extra()).containsKey("future_key");
    assertThat(p.toYaml()).contains("future_key:");
  }

  @Test
  void floatVersionTellsUserToQuote() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nversion: 9.0\n");
    assertThatThrownBy(() -> ProcData.load(f))
        .isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 2: version must be a string; quote it, e.g. version: '9.0'");
  }

  @Test
  void badVolumesNameTheKey() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nvolumes: [[relative, /data]]\n");
    assertThatThrownBy(() -> ProcData.load(f)).hasMessageContaining("line 2: volumes paths must be absolute");
  }

  @Test
  void imageNameOfOnlyDotsIsRefused() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nimage_url: http://example.invalid/s.tar.gz\nimage_name: '.'\n");
    assertThatThrownBy(() -> ProcData.load(f)).isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 3: image_name must not be only dots, not '.'");
    Path g = write("proc2.yaml", "cmd: x\nimage_name: '..'\n");
    assertThatThrownBy(() -> ProcData.load(g)).hasMessage("proc2.yaml line 2: image_name must not be only dots, not '..'");
  }

  @Test
  void imageNameWithASlashIsRefused() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nimage_name: a/../../etc\n");
    assertThatThrownBy(() -> ProcData.load(f)).hasMessage("proc.yaml line 2: image_name must not contain '/', not 'a/../../etc'");
  }

  @Test
  void aHugeProcNameIsRefusedWithoutRepeatingIt() throws Exception {
    String huge = "w".repeat(100_000);
    Path f = write("proc.yaml", "app_name: app\nproc_name: " + huge + "\nport: 5000\n");
    ProcData p = ProcData.load(f);
    assertThatThrownBy(p::name).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("proc_name '" + "w".repeat(60) + "…' (100000 chars) makes the proc name 100012 bytes long;"
            + " a file name may have at most 255");
  }

  @Test
  void aQuotedPortIsRefused() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nport: \"80\"\n");
    assertThatThrownBy(() -> ProcData.load(f)).isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 2: port must be an integer, not a string; write it without quotes: port: 80");
  }

  @Test
  void aPortInHexOctalOrWithUnderscoresIsRefused() throws Exception {
    for (String port : new String[] {"0x50", "0120", "8_0", "1:20", "+80", "0b1010000"}) {
      Path f = write("proc.yaml", "cmd: x\nport: " + port + "\n");
      assertThatThrownBy(() -> ProcData.load(f)).as(port).isInstanceOf(InputException.class)
          .hasMessage("proc.yaml line 2: port must be a plain decimal integer, not '" + port + "'");
    }
  }

  @Test
  void aDecimalPortIsRead() throws Exception {
    assertThat(ProcData.load(write("proc.yaml", "cmd: x\nport: 5003\n")).port()).isEqualTo(5003);
    assertThat(ProcData.load(write("proc.yaml", "cmd: x\nport: 0\n")).port()).isZero();
    assertThat(ProcData.load(write("proc.yaml", "cmd: x\np: &p 5003\nport: *p\n")).port()).isEqualTo(5003);
  }

  @Test
  void aVolumeHostPathWithDotDotIsRefused() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nvolumes:\n- [/srv/data/../../etc, /data]\n");
    assertThatThrownBy(() -> ProcData.load(f)).isInstanceOf(InputException.class)
        .hasMessage("proc.yaml line 2: volumes paths must not contain '..': '/srv/data/../../etc' -> '/data'");
  }

  @Test
  void aVolumeContainerPathWithDotDotIsRefused() throws Exception {
    Path f = write("proc.yaml", "cmd: x\nvolumes: [[/srv/data, /data/..]]\n");
    assertThatThrownBy(() -> ProcData.load(f)).hasMessage("proc.yaml line 2: volumes paths must not contain '..': '/srv/data' -> '/data/..'");
  }

  @Test
  void aVolumePathWithDotsInANameIsFine() throws Exception {
    assertThat(ProcData.load(write("proc.yaml", "cmd: x\nvolumes: [[/srv/..data, /data..]]\n")).volumes())
        .containsExactly(new ProcData.Volume("/srv/..data", "/data.."));
  }
}
