package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vr.common.cli.Tool;
import vr.common.container.LxcConfig;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;

/**
 * Builds, images and procs made as an attacker would, against real LXC (docs/security.md): nothing in them may
 * change or read anything on the host outside the proc's folder, or gain privileges inside the container.
 */
class HostileInputIT extends RunnerItBase {

  /**
   * A proc.yaml on {@code image} (served under {@code <image>.tar.gz}) instead of the busybox stack when not
   * null; {@code proc_name}, {@code user} and {@code group} in {@code extra} replace the fixture's.
   */
  private Path procYaml(String name, String build, int port, String extra, String image) throws Exception {
    Path yaml = Fixtures.procYaml(tmp.resolve(name), server, build, port, extra);
    for (String key : List.of("proc_name", "user", "group")) {
      if (extra.contains(key + ": ")) {
        Files.writeString(yaml, Files.readString(yaml).replaceFirst(key + ": [a-z]+\n", ""));
      }
    }
    if (image != null) {
      Files.writeString(yaml, Files.readString(yaml).replace("image_name: busybox", "image_name: " + image)
          .replace("busybox.tar.gz", image + ".tar.gz"));
    }
    return yaml;
  }

  /** A build from {@code src}, served as {@code name}. */
  private String build(String name, Path src) throws Exception {
    Fixtures.tar(src, served.resolve(name));
    return name;
  }

  private void assertNoProcLeftBehind() throws Exception {
    Path procs = root().resolve("procs");
    if (Files.exists(procs)) {
      assertThat(procs).isEmptyDirectory();
    }
  }

  @Test
  void anImageWhoseEtcIsALinkToAHostDirectoryIsRefusedAndThatDirectoryKeepsItsFiles() throws Exception {
    Path hostEtc = Files.createDirectories(tmp.resolve("host-etc"));
    Path target = Files.writeString(tmp.resolve("host-resolver"), "nameserver 192.0.2.1\n");
    Files.createSymbolicLink(hostEtc.resolve("resolv.conf"), target);
    Path rootfs = Stacks.busyboxRootfs(tmp.resolve("evil-rootfs"));
    vr.common.fs.Trees.delete(rootfs.resolve("etc"));
    Files.createSymbolicLink(rootfs.resolve("etc"), hostEtc);
    Fixtures.tar(rootfs, served.resolve("evil-etc.tar.gz"));
    Path yaml = procYaml("proc.yaml", null, 5101, "cmd: 'true'\n", "evil-etc");
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("vrun: error: ").contains("its /etc is not a directory");
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertThat(Files.isSymbolicLink(hostEtc.resolve("resolv.conf"))).isTrue();
    assertThat(hostEtc.resolve("hosts")).doesNotExist();
    assertThat(target).hasContent("nameserver 192.0.2.1");
    assertThat(root().resolve("images/evil-etc")).isDirectoryNotContaining(p -> !p.getFileName().toString()
        .matches("\\.lock|evil-etc\\.tar\\.gz"));
  }

  @Test
  void aProcfileLinkedOutOfTheBuildIsRefusedAndTheHostFileIsNeverRead() throws Exception {
    Path secret = Files.writeString(tmp.resolve("shadow"), "root: echo host-secret-line\n");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createSymbolicLink(src.resolve("Procfile"), secret);
    Path yaml = procYaml("proc.yaml", build("procfile-link.tar.gz", src), 5102, "proc_name: root\n", null);
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vrun: error: the build's Procfile: a symbolic link out of app (to an absolute path)\n");
    assertThat(r.out() + r.err()).doesNotContain("host-secret-line");
    assertNoProcLeftBehind();
  }

  @Test
  void aProcfileLinkedToADeviceOrThatIsAFifoIsRefusedAtOnce() throws Exception {
    Path dev = Files.createDirectories(tmp.resolve("dev-src"));
    Files.createSymbolicLink(dev.resolve("Procfile"), Path.of("/dev/zero"));
    Path yaml = procYaml("a.yaml", build("procfile-zero.tar.gz", dev), 5103, "", null);
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Procfile: a symbolic link out of app").doesNotContain("OutOfMemory", "\tat ");
    assertNoProcLeftBehind();

    Path fifo = Files.createDirectories(tmp.resolve("fifo-src"));
    assertThat(new ProcessBuilder("mkfifo", fifo.resolve("Procfile").toString()).start().waitFor()).isZero();
    Path yaml2 = procYaml("b.yaml", build("procfile-fifo.tar.gz", fifo), 5104, "", null);
    Tool.Result r2 = vrun("setup", yaml2.toString());
    assertThat(r2.exitCode()).isEqualTo(2);
    assertThat(r2.err()).isEqualTo("vrun: error: the build's Procfile: not a regular file\n");
    assertNoProcLeftBehind();
  }

  @Test
  void aProcfileLinkedInsideTheBuildIsFollowed() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("conf"));
    Files.writeString(src.resolve("conf/Procfile.prod"), "web: echo from-the-linked-procfile\n");
    Files.createSymbolicLink(src.resolve("Procfile"), Path.of("conf/Procfile.prod"));
    Path yaml = procYaml("proc.yaml", build("procfile-inside.tar.gz", src), 5105, "", null);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    assertThat(runToEnd(yaml)).isEqualTo("from-the-linked-procfile\nexit=0");
  }

  @Test
  void uptestsLinkedOutOfTheBuildAreRefusedAtSetup() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("Procfile"), "etc: sleep 1000\n");
    Files.createSymbolicLink(src.resolve("uptests"), Path.of("/"));
    Path yaml = procYaml("proc.yaml", build("uptests-root.tar.gz", src), 5106, "proc_name: etc\n", null);
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vrun: error: the app's uptests/etc: a symbolic link out of app (to an absolute path)\n");
    assertNoProcLeftBehind();
  }

  @Test
  void uptestsAProcSwappedForALinkListNothingOfTheHost() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("Procfile"), "etc: sleep 1000\n");
    Files.createDirectories(src.resolve("uptests/etc"));
    Files.writeString(src.resolve("uptests/etc/check"), "#!/bin/sh\necho fine\n");
    Path yaml = procYaml("proc.yaml", build("uptests-swap.tar.gz", src), 5107, "proc_name: etc\n", null);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    // The proc owns its app folder while it runs, so it can put a link where its uptests were.
    Path hostDir = Files.createDirectories(tmp.resolve("host-dir"));
    Files.writeString(hostDir.resolve("host-only-name"), "x");
    Path uptests = runner().layout(plan(yaml)).app().resolve("uptests");
    vr.common.fs.Trees.delete(uptests);
    Files.createSymbolicLink(uptests, tmp);
    Files.move(hostDir, tmp.resolve("etc"));
    Tool.Result r = vrun("uptest", yaml.toString());
    assertThat(r.out() + r.err()).doesNotContain("host-only-name");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("uptests/etc: a symbolic link out of app");
  }

  /** A busybox stack with {@code /bin/privs} (privs.c) setuid root, served as {@code privs.tar.gz}. */
  private void privsImage() throws Exception {
    if (Files.exists(served.resolve("privs.tar.gz"))) {
      return;
    }
    Prereqs.command("gcc", "gcc libc6-dev");
    Path rootfs = Stacks.busyboxRootfs(tmp.resolve("privs-rootfs"));
    Path c = tmp.resolve("privs.c");
    try (var in = getClass().getResourceAsStream("/privs.c")) {
      Files.copy(in, c);
    }
    Process cc = new ProcessBuilder("gcc", "-static", "-O2", "-o", rootfs.resolve("bin/privs").toString(), c.toString())
        .redirectErrorStream(true).start();
    String out = new String(cc.getInputStream().readAllBytes());
    assertThat(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0)
        .as("gcc -static failed (apt-get install gcc libc6-dev): " + out).isTrue();
    Files.setAttribute(rootfs.resolve("bin/privs"), "unix:mode", 04755);
    Fixtures.tar(rootfs, served.resolve("privs.tar.gz"));
  }

  /** The capability bits of a {@code CapEff:} or {@code CapBnd:} line of {@code out}. */
  private static long caps(String out, String key) {
    String line = out.lines().filter(l -> l.startsWith(key + ":")).findFirst().orElseThrow();
    return Long.parseUnsignedLong(line.substring(key.length() + 1).strip(), 16);
  }

  @Test
  void aSetuidRootBinaryOfTheImageGivesAProcRunningAsNobodyNothing() throws Exception {
    privsImage();
    Path yaml = procYaml("proc.yaml", null, 5108, "cmd: /bin/privs\n", "privs");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    String out = runToEnd(yaml);
    assertThat(out).contains("euid=65534\n", "NoNewPrivs:\t1\n").endsWith("exit=0");
    assertThat(caps(out, "CapEff")).isZero();
    assertThat(caps(out, "CapBnd")).isZero();
  }

  @Test
  void aProcRunningAsRootKeepsOnlyTheMinimalCapabilities() throws Exception {
    privsImage();
    Path yaml = procYaml("proc.yaml", null, 5109, "cmd: /bin/privs\nuser: root\ngroup: root\n", "privs");
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    String out = runToEnd(yaml);
    assertThat(out).contains("euid=0\n", "NoNewPrivs:\t1\n");
    Map<String, Integer> numbers = Map.ofEntries(Map.entry("chown", 0), Map.entry("dac_override", 1),
        Map.entry("fowner", 3), Map.entry("fsetid", 4), Map.entry("kill", 5), Map.entry("setgid", 6),
        Map.entry("setuid", 7), Map.entry("setpcap", 8), Map.entry("net_bind_service", 10),
        Map.entry("sys_chroot", 18), Map.entry("audit_write", 29), Map.entry("setfcap", 31)); // linux/capability.h
    long allowed = 0;
    for (String cap : LxcConfig.ROOT_CAPS.split(" ")) {
      allowed |= 1L << numbers.get(cap);
    }
    assertThat(caps(out, "CapBnd")).isEqualTo(allowed);
    for (int never : List.of(12 /* net_admin */, 13 /* net_raw */, 19 /* sys_ptrace */, 21 /* sys_admin */,
        2 /* dac_read_search */, 39 /* bpf */)) {
      assertThat(caps(out, "CapEff") & (1L << never)).as("capability " + never).isZero();
    }
  }

  @Test
  void theAppAndVolumesAreMountedNosuidAndNodev() throws Exception {
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    Path yaml = procYaml("proc.yaml", build("mounts.tar.gz", Map.of("Procfile", "web: grep -E ' /(app|data) ' /proc/mounts\n")),
        5110, "volumes: [[" + vol + ", /data]]\n", null);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    String out = runToEnd(yaml);
    List<String> lines = out.lines().filter(l -> l.contains(" /app ") || l.contains(" /data ")).toList();
    assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).contains("nosuid", "nodev"));
  }

  @Test
  void aForkBombStopsAtTheProcsPidsLimit() throws Exception {
    String bomb = "i=0; while [ $i -lt 60 ]; do sleep 20 & i=$((i+1)); done; echo looped; kill $(jobs -p) 2>/dev/null";
    Path yaml = procYaml("proc.yaml", null, 5111, "cmd: \"" + bomb + "\"\npids_limit: 20\n", null);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    String out = runToEnd(yaml);
    assertThat(out).contains("can't fork");
    Path yaml2 = procYaml("proc2.yaml", null, 5112, "cmd: \"" + bomb + "\"\n", null);
    assertThat(vrun("setup", yaml2.toString()).exitCode()).isZero();
    assertThat(runToEnd(yaml2)).as("60 processes are within the default limit").doesNotContain("can't fork")
        .contains("looped");
  }
}
