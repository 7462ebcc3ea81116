package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Progress;
import vr.common.cli.Tool;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.common.testing.FileServer;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;
import vr.common.yaml.Yaml;
import vr.runner.cli.VrunCommand;

/** vrun against real LXC containers on a busybox stack, with images and builds served over HTTP. */
class RunnerIT extends RunnerItBase {
  @Test
  void setupAndRunGiveTheAppItsEnvironmentSettingsAndPort() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Procfile", "web: bin/web --flag \"$GREETING\"\n");
    files.put("bin/web", "#!/bin/sh\necho \"args=$*\"\necho \"port=$PORT home=$HOME tmp=$TMPDIR settings=$APP_SETTINGS_YAML\"\n"
        + "echo \"uid=$(id -u) gid=$(id -g) pwd=$(pwd)\"\necho \"from_host=$FROM_HOST profile=$FROM_PROFILE\"\n"
        + "cat \"$APP_SETTINGS_YAML\"\necho app-owner=$(stat -c %u /app/bin/web)\n");
    files.put(".profile.d/a.sh", "export FROM_PROFILE=yes\nexport PORT=1\n");
    String b = build("app-v1.tar.gz", files);
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, 5003,
        "env:\n  GREETING: \"@How's it going?\"\n  FROM_HOST: $VR_TEST_VAR\n"
            + "settings:\n  greeting: \"@How's it going?\"\n");
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    String out = runToEnd(yaml);
    assertThat(out).contains("args=--flag @How's it going?\n",
        "port=5003 home=/app tmp=/tmp settings=/settings.yaml\n",
        "uid=65534 gid=65534 pwd=/app\n",
        "from_host=from the runner's env profile=yes\n",
        "greeting: '@How''s it going?'\n",
        "app-owner=65534\n",
        "exit=0");
  }

  @Test
  void cmdOverridesTheProcfileAndTheExitStatusIsTheApps() throws Exception {
    String b = build("app-cmd.tar.gz", Map.of("Procfile", "web: echo from-procfile\n"));
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, 5004, "cmd: echo from-cmd; exit 4\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(runToEnd(yaml)).isEqualTo("from-cmd\nexit=4");
  }

  @Test
  void aProcWithoutBuildRunsItsCmd() throws Exception {
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 0, "cmd: echo \"port=${PORT-unset}\"\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(runToEnd(yaml)).isEqualTo("port=unset\nexit=0");
  }

  @Test
  void aVolumeIsWritableAndSharedWithTheHost() throws Exception {
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 5005,
        "cmd: echo written > /data/out && echo ok\nvolumes: [[" + vol + ", /data]]\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(runToEnd(yaml)).isEqualTo("ok\nexit=0");
    assertThat(Files.readString(vol.resolve("out"))).isEqualTo("written\n");
  }

  @Test
  void aProcAllocatingPastMemLimitIsKilled() throws Exception {
    String hog = "x=$(dd if=/dev/zero bs=1M count=100 2>/dev/null | tr '\\\\0' a); echo survived";
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 5006,
        "cmd: \"" + hog.replace("\"", "\\\"") + "\"\nmem_limit: 32M\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    // The kernel's OOM killer picks the biggest process of the cgroup: usually the shell (exit 137), but
    // under memory pressure it may take LXC's init inside the container too (lxc-execute then exits 1). Either
    // way the proc dies; the run with a larger limit below proves the limit, not the command, killed it.
    assertThat(runToEnd(yaml)).doesNotContain("survived").matches("(?s).*exit=(137|1)");
    Fixtures.procYaml(yaml, server, null, 5006, "cmd: \"" + hog.replace("\"", "\\\"") + "\"\nmem_limit: 512M\n");
    assertThat(runToEnd(yaml)).isEqualTo("survived\nexit=0");
  }

  @Test
  void theProcsWritesStayInItsOwnLayer() throws Exception {
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 5007, "cmd: echo x > /tmp/mine\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    runToEnd(yaml);
    ProcLayout l = runner().layout(plan(yaml));
    assertThat(l.rootfs().resolve("tmp/mine")).hasContent("x");
    assertThat(root().resolve("images/busybox/contents/tmp/mine")).doesNotExist();
  }

  @Test
  void setupRedownloadsABuildWhoseMd5Differs() throws Exception {
    String b = build("app-md5.tar.gz", Map.of("Procfile", "web: echo hi\n"));
    String md5 = vr.common.fs.Downloads.md5(served.resolve(b));
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, 5008, "build_md5: " + md5 + "\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    int before = server.hits(b);
    Files.writeString(root().resolve("builds").resolve(b), "damaged");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(server.hits(b)).isEqualTo(before + 1);
    assertThat(vr.common.fs.Downloads.md5(root().resolve("builds").resolve(b))).isEqualTo(md5);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(server.hits(b)).as("a matching cached build is kept").isEqualTo(before + 1);
  }

  @Test
  void aCorruptBuildFailsSetupAndLeavesNoProcFolder() throws Exception {
    Files.write(served.resolve("corrupt.tar.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, "corrupt.tar.gz", 5009, "");
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("vrun: error: ").contains("corrupt.tar.gz");
    assertThat(root().resolve("procs")).isEmptyDirectory();
  }

  @Test
  void aProcfileWithoutTheProcIsBadInputAndCreatesNothing() throws Exception {
    String b = build("app-noweb.tar.gz", Map.of("Procfile", "worker: echo w\n"));
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, 5010, "");
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("proc.yaml line 5: proc_name 'web' is not in the build's Procfile");
    assertThat(root().resolve("procs")).isEmptyDirectory();
  }

  @Test
  void badInputExitsTwoNamingTheKeyAndCreatesNothing() throws Exception {
    String[][] cases = {
        {"port: 70000\n", "port"},
        {"build_md5: not-hex\n", "build_md5"},
        {"user: no_such_user_vr\n", "user"},
    };
    for (String[] c : cases) {
      Path yaml = tmp.resolve("bad.yaml");
      Fixtures.procYaml(yaml, server, null, 5011, "cmd: 'true'\n");
      String text = Files.readString(yaml);
      String key = c[0].substring(0, c[0].indexOf(':'));
      text = text.lines().filter(l -> !l.startsWith(key + ":")).reduce("", (a, l) -> a + l + "\n") + c[0];
      Files.writeString(yaml, text);
      Tool.Result r = vrun("setup", yaml.toString());
      assertThat(r.exitCode()).as(c[0]).isEqualTo(2);
      assertThat(r.err().lines().count()).isEqualTo(1);
      assertThat(r.err()).contains(c[1]);
    }
    Files.writeString(tmp.resolve("noimg.yaml"), "proc_name: web\ncmd: 'true'\nport: 1\n");
    Tool.Result r = vrun("setup", tmp.resolve("noimg.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("image_url");
    assertThat(root()).doesNotExist();
  }

  @Test
  void uptestsPassFailAndTimeOutInNameOrder() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Procfile", "web: sleep 1000\n");
    files.put("uptests/web/01_pass", "#!/bin/sh\necho \"checking $1:$2 as $(id -u) greeting=$GREETING\"\n");
    files.put("uptests/web/02_fail", "#!/bin/sh\necho broken >&2\nexit 3\n");
    files.put("uptests/web/03_hang", "#!/bin/sh\necho started\nsleep 1000 &\nsleep 1000\n");
    files.put("uptests/web/.hidden", "#!/bin/sh\nexit 1\n");
    String b = build("app-uptests.tar.gz", files);
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, 5012, "env:\n  GREETING: hello\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    Tool.Result r = vrun("uptest", "--timeout", "2", yaml.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(r.out().strip().lines().count()).isEqualTo(1);
    assertThat(json).hasSize(3);
    assertThat(json.get(0).get("Name").asText()).isEqualTo("01_pass");
    assertThat(json.get(0).get("Output").asText()).isEqualTo("checking 127.0.0.1:5012 as 65534 greeting=hello\n");
    assertThat(json.get(0).get("Passed").asBoolean()).isTrue();
    assertThat(json.get(1).get("Output").asText()).isEqualTo("broken\n");
    assertThat(json.get(1).get("Passed").asBoolean()).isFalse();
    assertThat(json.get(2).get("Output").asText()).startsWith("started\n").contains("timed out after 2 s");
    assertThat(json.get(2).get("Passed").asBoolean()).isFalse();
    json.forEach(n -> assertThat(n.fieldNames()).toIterable().containsExactly("Name", "Output", "Passed"));
    assertThat(Fixtures.processes("sleep", "1000")).as("nothing of the timed-out uptest survives").isZero();
    assertThat(runner().layout(plan(yaml)).scratch()).satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void uptestWithoutFolderPrintsAnEmptyArray() throws Exception {
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 5013, "cmd: 'true'\n");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    Tool.Result r = vrun("uptest", yaml.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo("[]\n");
  }

  @Test
  void teardownRemovesTheProcButKeepsBuildAndImageAndSucceedsTwice() throws Exception {
    String b = build("app-td.tar.gz", Map.of("Procfile", "web: echo hi\n"));
    Path procs = root().resolve("procs");
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, 5014, "");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    runToEnd(yaml);
    // The server puts proc.yaml inside the proc folder; teardown removes that too.
    Path dir = runner().layout(plan(yaml)).dir();
    Path inside = Files.copy(yaml, dir.resolve("proc.yaml"));
    assertThat(vrun("teardown", inside.toString()).exitCode()).isZero();
    assertThat(dir).doesNotExist();
    assertThat(procs).isEmptyDirectory();
    assertThat(root().resolve("builds").resolve(b)).exists();
    assertThat(root().resolve("images/busybox/contents/bin/busybox")).exists();
    assertThat(vrun("teardown", inside.toString()).exitCode()).isZero();
    assertThat(vrun("teardown", yaml.toString()).exitCode()).isZero();
  }

  @Test
  void longProcNamesWork() throws Exception {
    Path yaml = tmp.resolve("proc.yaml");
    Fixtures.procYaml(yaml, server, null, 5015, "cmd: echo long-ok\n");
    Files.writeString(yaml, Files.readString(yaml).replace("app_name: demo", "app_name: " + "a".repeat(200)));
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(runToEnd(yaml)).isEqualTo("long-ok\nexit=0");
  }

  @Test
  void theImageIsUnpackedOnceWithAPlainResolvConf() throws Exception {
    Path a = Fixtures.procYaml(tmp.resolve("a.yaml"), server, null, 5016, "cmd: cat /etc/resolv.conf\n");
    Path b = Fixtures.procYaml(tmp.resolve("b.yaml"), server, null, 5017, "cmd: 'true'\n");
    int before = server.hits("busybox.tar.gz");
    assertThat(vrun("setup", a.toString()).exitCode()).isZero();
    assertThat(vrun("setup", b.toString()).exitCode()).isZero();
    assertThat(server.hits("busybox.tar.gz")).isEqualTo(before + 1);
    assertThat(Files.isSymbolicLink(root().resolve("images/busybox/contents/etc/resolv.conf"))).isFalse();
    assertThat(runToEnd(a)).isEqualTo(Files.readString(Path.of("/etc/resolv.conf")) + "exit=0");
  }

  @Test
  void twoRootsRunTheSameProcAndTearingOneDownLeavesTheOtherRunning() throws Exception {
    // As the lab's hosts: one kernel, two roots, the same proc name (each host allocates its own ports).
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 5021, "cmd: sleep 1000\n");
    Map<String, Runner> runners = new LinkedHashMap<>();
    Map<String, Process> procs = new LinkedHashMap<>();
    Map<String, String> containers = new LinkedHashMap<>();
    Lxc lxc = Lxc.host();
    try {
      for (String host : List.of("a", "b")) {
        VrPaths paths = new VrPaths(tmp.resolve(host));
        Runner r = new Runner(paths, lxc, Progress.NONE, Map.of());
        runners.put(host, r);
        assertThat(Tool.capture(new VrunCommand(r), "setup", yaml.toString()).exitCode()).isZero();
        ProcPlan plan = ProcPlan.check(ProcData.load(yaml), paths, ProcPlan.Where.NOWHERE);
        containers.put(host, r.layout(plan).containerName());
        procs.put(host, r.start(plan, Extras.NONE, new ProcessBuilder().redirectErrorStream(true)));
      }
      assertThat(containers.get("a")).isNotEqualTo(containers.get("b"));
      for (String c : containers.values()) {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!lxc.running(c) && System.nanoTime() < end) {
          Thread.sleep(50);
        }
        assertThat(lxc.running(c)).as(c).isTrue();
      }
      assertThat(Tool.capture(new VrunCommand(runners.get("a")), "teardown", yaml.toString()).exitCode()).isZero();
      assertThat(procs.get("a").waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(lxc.running(containers.get("a"))).isFalse();
      assertThat(lxc.running(containers.get("b"))).as("the other root's proc").isTrue();
      assertThat(procs.get("b").isAlive()).isTrue();
      assertThat(tmp.resolve("b/procs")).isNotEmptyDirectory();
    } finally {
      for (Map.Entry<String, Runner> e : runners.entrySet()) {
        Tool.capture(new VrunCommand(e.getValue()), "teardown", yaml.toString());
      }
      procs.values().forEach(Process::destroyForcibly);
    }
  }
}
