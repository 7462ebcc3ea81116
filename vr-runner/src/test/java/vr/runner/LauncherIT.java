package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.testing.Daemons;
import vr.common.testing.Prereqs;

/**
 * The installed launcher ({@code src/main/sh/vrun} with the shaded jar): {@code vrun run} must leave no JVM,
 * hold the proc.yaml lock while the proc runs, pass supervisord's signals to the app and leave nothing behind.
 */
class LauncherIT extends RunnerItBase {

  @BeforeAll
  static void flock() {
    Prereqs.command("flock", "util-linux");
  }

  static Path launcher() {
    return Path.of("src/main/sh/vrun").toAbsolutePath();
  }

  static Path jar() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("vr-runner-.*-all\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("run 'mvn package' first: no target/vr-runner-*-all.jar"))
          .toAbsolutePath();
    }
  }

  ProcessBuilder vrunProcess(String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(launcher().toString()), Stream.of(args)).toList());
    pb.environment().put("VR_ROOT", tmp.resolve("apps").toString());
    pb.environment().put("VR_RUNNER_JAR", jar().toString());
    return pb;
  }

  String runCaptured(String... args) throws Exception {
    Process p = vrunProcess(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(120, TimeUnit.SECONDS);
    return p.exitValue() + ":" + out;
  }

  Path setUp(String cmd) throws Exception {
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, Daemons.freePort(), "cmd: " + cmd + "\n");
    assertThat(runCaptured("setup", yaml.toString())).isEqualTo("0:");
    return yaml;
  }

  /** As the server does it: the proc.yaml in the proc's own folder, then setup. */
  Path setUpInProcFolder(String cmd) throws Exception {
    return setUpInProcFolder(null, "cmd: " + cmd + "\n");
  }

  Path setUpInProcFolder(String build, String extra) throws Exception {
    Path draft = Fixtures.procYaml(tmp.resolve("draft.yaml"), server, build, Daemons.freePort(), extra);
    Path yaml = Files.createDirectories(tmp.resolve("apps/procs").resolve(procName(draft))).resolve("proc.yaml");
    Files.move(draft, yaml);
    assertThat(runCaptured("setup", yaml.toString())).isEqualTo("0:");
    return yaml;
  }

  /**
   * A proc set up in its folder whose build has a Procfile and the uptests {@code uptests} (file name under
   * {@code uptests/web/} to script); {@code extra} goes into its proc.yaml.
   */
  Path setUpWithUptests(String extra, Map<String, String> uptests) throws Exception {
    Map<String, String> files = new java.util.HashMap<>(Map.of("Procfile", "web: sleep 1000\n"));
    uptests.forEach((name, script) -> files.put("uptests/web/" + name, script));
    String build = "build-" + uptests.hashCode() + ".tar.gz";
    Fixtures.build(served.resolve(build), files);
    return setUpInProcFolder(build, extra);
  }

  /** A VR_JAVA that runs java and appends each call's arguments to {@code calls}, a line each. */
  Path countingJava(Path calls) throws IOException {
    Path java = tmp.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$*\" >> " + calls + "\nexec java \"$@\"\n");
    java.toFile().setExecutable(true);
    return java;
  }

  /** The container of the proc of {@code yaml}, set up under this test's root. */
  String containerName(Path yaml) {
    return ProcLayout.of(new VrPaths(tmp.resolve("apps")), vr.common.model.ProcData.load(yaml).name()).containerName();
  }

  static String procName(Path yaml) {
    return vr.common.model.ProcData.load(yaml).name().format();
  }

  @Test
  void runBecomesTheContainerHoldsTheLockAndEndsOnSigterm() throws Exception {
    Path yaml = setUp("\"trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 1; done\"");
    Process p = vrunProcess("run", yaml.toString()).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    assertThat(out.readLine()).isEqualTo("ready");
    // The process supervisord started is now LXC's monitor; no JVM is left in its tree.
    assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip()).isEqualTo("lxc-execute");
    assertThat(p.toHandle().descendants().map(h -> h.info().command().orElse("")))
        .noneMatch(c -> c.endsWith("/java"));
    // The lock is held for as long as the proc runs.
    assertThat(runCaptured("setup", yaml.toString())).startsWith("1:").contains("is locked by another process");
    assertThat(runCaptured("run", yaml.toString())).startsWith("1:").contains("is locked by another process");
    assertThat(runCaptured("teardown", yaml.toString())).startsWith("1:").contains("is locked by another process");
    p.toHandle().destroy();
    // LXC's init signals every process inside, so the shell may first report its killed sleep.
    assertThat(out.lines().toList()).contains("got-term");
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Lxc.host().running(containerName(yaml))).isFalse();
    assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
  }

  @Test
  void theAppsExitStatusIsVrunsAndBadInputIsExitTwo() throws Exception {
    Path yaml = setUp("'echo bye; exit 9'");
    assertThat(runCaptured("run", yaml.toString())).isEqualTo("9:bye\n");
    Files.writeString(tmp.resolve("bad.yaml"), "proc_name: web\ncmd: x\nport: 99999\nimage_name: busybox\n");
    String r = runCaptured("run", tmp.resolve("bad.yaml").toString());
    assertThat(r).startsWith("2:vrun: error: bad.yaml line 3: port");
  }

  @Test
  void aSetUpProcStartsWithoutAJvmUntilSomethingItWasMadeFromChanges() throws Exception {
    Path yaml = setUpInProcFolder("'echo hi; exit 3'");
    Path javaCalls = tmp.resolve("java-calls");
    Path java = countingJava(javaCalls);
    // Started as recorded by setup: the app runs, its status is vrun's, and no JVM was started.
    assertThat(run(java, yaml)).isEqualTo("3:hi\n");
    assertThat(javaCalls).doesNotExist();
    // The copy of proc.yaml may hold secrets: its owner's only.
    assertThat(Files.getPosixFilePermissions(yaml.resolveSibling("prepared-proc.yaml")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // proc.yaml changed: this start goes through Java, which records it again; the next one needs no JVM.
    Files.writeString(yaml, Files.readString(yaml) + "# changed\n");
    assertThat(run(java, yaml)).isEqualTo("3:hi\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(1).allMatch(l -> l.contains("_argv"));
    assertThat(run(java, yaml)).isEqualTo("3:hi\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(1);
    // A cgroup left by an earlier container of the proc (a killed monitor's): Java removes it first.
    String gone = Files.readAllLines(yaml.resolveSibling("prepared-run")).stream().filter(l -> l.startsWith("gone "))
        .findFirst().orElseThrow().substring(5);
    Path leftover = Files.createDirectory(Path.of(gone + "-1"));
    try {
      assertThat(run(java, yaml)).isEqualTo("3:hi\n");
      assertThat(Files.readAllLines(javaCalls)).hasSize(2);
      assertThat(leftover).doesNotExist();
    } finally {
      Files.deleteIfExists(leftover);
    }
    // Another runner (its jar newer than the record): Java, once.
    FileTime built = Files.getLastModifiedTime(jar());
    Files.setLastModifiedTime(jar(), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    try {
      assertThat(run(java, yaml)).isEqualTo("3:hi\n");
      assertThat(Files.readAllLines(javaCalls)).hasSize(3);
    } finally {
      Files.setLastModifiedTime(jar(), built);
    }
    assertThat(run(java, yaml)).isEqualTo("3:hi\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(3);
    // A proc.yaml outside its proc's folder: Java every time, nothing recorded beside it.
    Path elsewhere = Files.copy(yaml, tmp.resolve("elsewhere.yaml"));
    assertThat(run(java, elsewhere)).isEqualTo("3:hi\n");
    assertThat(run(java, elsewhere)).isEqualTo("3:hi\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(5);
    assertThat(tmp.resolve("prepared-run")).doesNotExist();
    assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
    assertThat(yaml.getParent()).doesNotExist();
  }

  @Test
  void uptestsOfASetUpProcStartBesideTheJvmAndReportExactlyWhatJavaReports() throws Exception {
    Path yaml = setUpWithUptests("env:\n  GREETING: hello\n", Map.of(
        "01_pass", "#!/bin/sh\necho \"checking $1:$2 as $(id -u) greeting=$GREETING\"\n",
        "02_fail", "#!/bin/sh\necho broken >&2\nexit 3\n",
        "03_hang", "#!/bin/sh\necho started\nsleep 1000 &\nsleep 1000\n",
        "04 two words", "#!/bin/sh\nprintf 'tab\\there \"quoted\" \\\\ \\001 caf\\303\\251'\n",
        "05_back\\tslash", "#!/bin/sh\nexit 0\n",
        ".hidden", "#!/bin/sh\nexit 1\n"));
    Path javaCalls = tmp.resolve("java-calls");
    Path java = countingJava(javaCalls);
    // As recorded by setup: the launcher starts the containers, Java judges them.
    String fast = uptest(java, yaml, "--timeout", "2");
    assertThat(Files.readAllLines(javaCalls)).hasSize(1).allMatch(l -> l.contains(" _uptest --timeout 2 "));
    JsonNode json = new ObjectMapper().readTree(fast);
    assertThat(json).hasSize(5);
    assertThat(json.get(0).get("Name").asText()).isEqualTo("01_pass");
    assertThat(json.get(0).get("Output").asText())
        .isEqualTo("checking 127.0.0.1:" + port(yaml) + " as 65534 greeting=hello\n");
    assertThat(json.get(0).get("Passed").asBoolean()).isTrue();
    assertThat(json.get(1).get("Output").asText()).isEqualTo("broken\n");
    assertThat(json.get(1).get("Passed").asBoolean()).isFalse();
    // The container's init is killed first, so its shell never reports a killed sleep ("Killed").
    assertThat(json.get(2).get("Output").asText()).isEqualTo("started\nuptest timed out after 2 s and was killed");
    assertThat(json.get(2).get("Passed").asBoolean()).isFalse();
    assertThat(json.get(3).get("Name").asText()).isEqualTo("04 two words");
    assertThat(json.get(3).get("Output").asText()).isEqualTo("tab\there \"quoted\" \\ \u0001 caf\u00e9");
    assertThat(json.get(4).get("Name").asText()).isEqualTo("05_back\\tslash");
    assertThat(json.get(4).get("Passed").asBoolean()).isTrue();
    assertThat(Fixtures.processes("sleep", "1000")).as("nothing of the timed-out uptest survives").isZero();
    assertNothingLeftOfUptests(yaml);
    // Through Java (the proc.yaml no longer matches the record): the very same line.
    Files.writeString(yaml, Files.readString(yaml) + "# changed\n");
    assertThat(uptest(java, yaml, "--timeout", "2")).isEqualTo(fast);
    assertThat(Files.readAllLines(javaCalls)).hasSize(2).last().asString().contains(" uptest --timeout 2 ");
    assertNothingLeftOfUptests(yaml);
    // A record older than the runner's jar (after an upgrade, say): Java once, which records the uptests again
    // (the copy of the proc.yaml is current since setup), so the next ones start from the launcher.
    assertThat(runCaptured("setup", yaml.toString())).isEqualTo("0:");
    Path record = yaml.resolveSibling("prepared-uptest");
    Files.setLastModifiedTime(record, FileTime.fromMillis(Files.getLastModifiedTime(jar()).toMillis() - 86_400_000));
    assertThat(uptest(java, yaml, "--timeout", "2")).isEqualTo(fast);
    assertThat(Files.readAllLines(javaCalls)).hasSize(3).last().asString().contains(" uptest --timeout 2 ");
    assertThat(uptest(java, yaml, "--timeout", "2")).isEqualTo(fast);
    assertThat(Files.readAllLines(javaCalls)).hasSize(4).last().asString().contains(" _uptest --timeout 2 ");
    assertNothingLeftOfUptests(yaml);
    assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
  }

  @Test
  void teardownStopsAnUptestTheLauncherStarted() throws Exception {
    Path yaml = setUpWithUptests("", Map.of("01_hang", "#!/bin/sh\necho started\nexec sleep 1000\n"));
    String base = containerName(yaml);
    Process p = vrunProcess("uptest", yaml.toString()).start();
    try {
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Fixtures.processes("sleep", "1000") == 0 && System.nanoTime() < end) {
        Daemons.sleep(50);
      }
      try (Stream<Path> s = Files.list(yaml.resolveSibling("lxc"))) {
        assertThat(s.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith(base + "-l"));
      }
      assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Fixtures.processes("sleep", "1000")).isZero();
      assertThat(yaml.getParent()).doesNotExist();
      for (Path h : Lxc.host().cgroups().hierarchies()) {
        try (Stream<Path> s = Files.list(h)) {
          assertThat(s.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(base));
        }
      }
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aChattyUptestKeepsOneMebibyteOnDiskAndWritesOn() throws Exception {
    // It sleeps only when all 3 MB were written; a write refused past the cut would end it with 7.
    Path yaml = setUpWithUptests("", Map.of(
        "01_chatty", "#!/bin/sh\nyes 0123456789 | head -c 3000000 || exit 7\nexec sleep 1000\n"));
    Path out = tmp.resolve("out");
    Process p = vrunProcess("uptest", "--timeout", "4", yaml.toString()).redirectOutput(out.toFile()).start();
    try {
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Fixtures.processes("sleep", "1000") == 0 && System.nanoTime() < end && p.isAlive()) {
        Daemons.sleep(50);
      }
      assertThat(Fixtures.processes("sleep", "1000")).as("the uptest wrote all it had").isEqualTo(1);
      // Meanwhile the output file on the host holds the first MiB, no more.
      try (Stream<Path> s = Files.list(yaml.resolveSibling("scratch"))) {
        List<Path> outputs = s.map(d -> d.resolve("output")).toList();
        assertThat(outputs).hasSize(1);
        assertThat(Files.size(outputs.get(0))).isEqualTo(1 << 20);
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String killed = "\nuptest timed out after 4 s and was killed";
      String output = new ObjectMapper().readTree(Files.readString(out)).get(0).get("Output").asText();
      assertThat(output).startsWith("0123456789\n0123456789\n").endsWith(killed);
      assertThat(output.length()).isEqualTo((1 << 20) + killed.length());
    } finally {
      p.destroyForcibly();
      assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
    }
  }

  @Test
  void whatAKilledLauncherWithTheSamePidLeftDoesNotLeakIntoTheNextUptest() throws Exception {
    Path yaml = setUpWithUptests("", Map.of("01_clean", "#!/bin/sh\n[ ! -e /stale ] && echo clean\n"));
    String name = containerName(yaml) + "-l$$.1";
    // The launcher keeps this wrapper's pid (exec), so the leftovers are exactly where it will look.
    Path wrapper = tmp.resolve("wrapper");
    Files.writeString(wrapper, "#!/bin/sh\nmkdir -p " + yaml.resolveSibling("lxc") + "/" + name + " "
        + yaml.resolveSibling("scratch") + "/" + name + "/upper\ntouch " + yaml.resolveSibling("scratch") + "/"
        + name + "/upper/stale\nexec " + launcher() + " \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    ProcessBuilder pb = vrunProcess("uptest", yaml.toString()).command(wrapper.toString(), "uptest", yaml.toString());
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue() + ":" + out)
        .isEqualTo("0:[{\"Name\":\"01_clean\",\"Output\":\"clean\\n\",\"Passed\":true}]\n");
    assertNothingLeftOfUptests(yaml);
    assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
  }

  @Test
  void aJvmThatDoesNotStartLeavesNoUptestRunningForever() throws Exception {
    Path yaml = setUpWithUptests("", Map.of("01_hang", "#!/bin/sh\nsleep 1000 & exec sleep 1000\n"));
    Path java = tmp.resolve("broken-java");
    // It dies once the launcher has started the uptest (a JVM that crashes, say).
    Files.writeString(java,
        "#!/bin/sh\nwhile read -r l; do case $l in start*) echo 'broken JVM' >&2; exit 3;; esac; done\n");
    java.toFile().setExecutable(true);
    Path out = tmp.resolve("out");
    ProcessBuilder pb = vrunProcess("uptest", "--timeout", "1", yaml.toString()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().put("VR_JAVA", java.toString());
    Process p = pb.start();
    try {
      // The JVM's failure is vrun's, after the time limit and the launcher's slack (1 + 5 s), not never.
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("vrun uptest ended").isTrue();
      assertThat(p.exitValue() + ":" + Files.readString(out)).isEqualTo("3:broken JVM\n");
      assertThat(Fixtures.processes("sleep", "1000")).as("LXC's init stopped the uptest and its child").isZero();
    } finally {
      p.destroyForcibly();
      assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
    }
  }

  @Test
  void uptestsWithoutAFolderAndBadLimitsThroughTheLauncher() throws Exception {
    Path yaml = setUpInProcFolder("'true'");
    Path javaCalls = tmp.resolve("java-calls");
    Path java = countingJava(javaCalls);
    assertThat(captured(java, Map.of(), "uptest", yaml.toString())).isEqualTo("0:[]\n");
    assertThat(Files.readAllLines(javaCalls)).last().asString().contains(" _uptest ");
    // A limit Java would refuse never reaches the launcher's containers: Java explains it.
    assertThat(captured(java, Map.of("VR_UPTEST_TIMEOUT", "soon"), "uptest", yaml.toString()))
        .isEqualTo("2:vrun: error: VR_UPTEST_TIMEOUT must be a number of seconds, not 'soon'\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(2).last().asString().contains(" uptest ");
    assertThat(captured(java, Map.of(), "uptest", "--timeout", "0", yaml.toString()))
        .isEqualTo("2:vrun: error: --timeout must be at least 1 second\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(3).last().asString().contains(" uptest --timeout 0 ");
  }

  @Test
  void anUptestWhoseNameHasALineBreakRunsThroughJava() throws Exception {
    Path yaml = setUpWithUptests("", Map.of("01\nline", "#!/bin/sh\necho ok\n"));
    Path javaCalls = tmp.resolve("java-calls");
    assertThat(captured(countingJava(javaCalls), Map.of(), "uptest", yaml.toString()))
        .isEqualTo("0:[{\"Name\":\"01\\nline\",\"Output\":\"ok\\n\",\"Passed\":true}]\n");
    assertThat(Files.readAllLines(javaCalls)).hasSize(1).allMatch(l -> l.contains(" uptest "));
    assertThat(runCaptured("teardown", yaml.toString())).isEqualTo("0:");
  }

  /** Exit status and output (stderr too) of vrun with {@code args}, through {@code java} with {@code env}. */
  private String captured(Path java, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = vrunProcess(args).redirectErrorStream(true);
    pb.environment().put("VR_JAVA", java.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out;
  }

  private String uptest(Path java, Path yaml, String... options) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("uptest"));
    args.addAll(List.of(options));
    args.add(yaml.toString());
    ProcessBuilder pb = vrunProcess(args.toArray(String[]::new));
    pb.environment().put("VR_JAVA", java.toString());
    // As over SSH or from supervisord: no locale, so the JVM's default charset is US-ASCII.
    pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out.lines().count()).isEqualTo(1);
    return out;
  }

  private static int port(Path yaml) {
    return vr.common.model.ProcData.load(yaml).port();
  }

  /** No uptest container, scratch folder or cgroup is left. */
  private void assertNothingLeftOfUptests(Path yaml) throws IOException {
    Path dir = yaml.getParent();
    String base = containerName(yaml);
    assertThat(dir.resolve("scratch"))
        .satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    try (Stream<Path> s = Files.list(dir.resolve("lxc"))) {
      assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.equals(base) || n.equals("lxc.pivot"));
    }
    for (Path h : Lxc.host().cgroups().hierarchies()) {
      try (Stream<Path> s = Files.list(h)) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(base + "-"));
      }
    }
  }

  private String run(Path java, Path yaml) throws Exception {
    return captured(java, Map.of(), "run", yaml.toString());
  }

  @Test
  void underSupervisordStartStopAndRestartLeaveNoOrphans() throws Exception {
    Prereqs.command("supervisord", "supervisor");
    // As in production: the proc.yaml in the proc's folder, so that supervisord's starts need no JVM.
    Path yaml = setUpInProcFolder("\"echo started-$PORT; sleep 1000 & sleep 1000\"");
    String name = procName(yaml);
    Path sup = Files.createDirectories(tmp.resolve("sup"));
    Path sock = sup.resolve("s.sock");
    String env = "VR_ROOT=\"" + tmp.resolve("apps") + "\",VR_RUNNER_JAR=\"" + jar() + "\"";
    Files.writeString(sup.resolve("supervisord.conf"), String.join("\n",
        "[unix_http_server]", "file=" + sock,
        "[supervisord]", "logfile=" + sup.resolve("supervisord.log"), "pidfile=" + sup.resolve("supervisord.pid"),
        "childlogdir=" + sup, "nodaemon=false",
        "[rpcinterface:supervisor]", "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "[supervisorctl]", "serverurl=unix://" + sock,
        "[program:" + name + "]", "command=" + launcher() + " run " + yaml, "environment=" + env,
        "autostart=false", "autorestart=false", "startsecs=1", "stopwaitsecs=10",
        "stdout_logfile=" + sup.resolve("proc.log"), "redirect_stderr=true", ""));
    Process d = new ProcessBuilder("supervisord", "-c", sup.resolve("supervisord.conf").toString()).inheritIO().start();
    d.waitFor(30, TimeUnit.SECONDS);
    Daemons.awaitFile(sup.resolve("supervisord.pid"), Duration.ofSeconds(20));
    try {
      Lxc lxc = Lxc.host();
      String cname = containerName(yaml);
      assertThat(ctl(sup, "start", name)).contains("started");
      awaitLog(sup.resolve("proc.log"), "started-", 1);
      assertThat(lxc.running(cname)).isTrue();
      assertThat(ctl(sup, "stop", name)).contains("stopped");
      assertThat(lxc.running(cname)).isFalse();
      assertThat(sleepers()).as("no orphan after stop").isZero();
      assertThat(ctl(sup, "start", name)).contains("started");
      awaitLog(sup.resolve("proc.log"), "started-", 2);
      assertThat(ctl(sup, "restart", name)).contains("started");
      awaitLog(sup.resolve("proc.log"), "started-", 3);
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sleepers() < 2 && System.nanoTime() < end) {
        Daemons.sleep(100);
      }
      assertThat(sleepers()).as("one proc's two sleeps, not more").isEqualTo(2);
      assertThat(ctl(sup, "stop", name)).contains("stopped");
      assertThat(sleepers()).isZero();
      assertThat(Mounts.under(tmp)).isEmpty();
    } finally {
      Daemons.stop(sup.resolve("supervisord.pid"));
      Lxc.host().stop(containerName(yaml));
    }
  }

  private static long sleepers() {
    return Fixtures.processes("sleep", "1000");
  }

  private static String ctl(Path sup, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("supervisorctl", "-c", sup.resolve("supervisord.conf").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static void awaitLog(Path log, String word, int times) throws IOException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).split(word, -1).length - 1 >= times) {
        return;
      }
      Daemons.sleep(100);
    }
    throw new AssertionError(log + " did not show '" + word + "' " + times + " times: "
        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

}
