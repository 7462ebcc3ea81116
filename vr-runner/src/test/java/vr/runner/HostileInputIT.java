package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import vr.common.cli.Tool;
import vr.common.container.LxcConfig;
import vr.common.testing.HostileTars;
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

  /** A file of the host, owned by uid 1234 with mode 0755, that a hostile archive aims at. */
  private Path victim(String name) throws IOException {
    Path v = Files.writeString(tmp.resolve(name), "host binary");
    Files.setAttribute(v, "unix:uid", 1234);
    Files.setAttribute(v, "unix:mode", 0755);
    return v;
  }

  private static void assertUntouched(Path victim) throws IOException {
    Map<String, Object> a = Files.readAttributes(victim, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
    assertThat(a).containsEntry("uid", 1234).containsEntry("gid", 0);
    assertThat((Integer) a.get("mode") & 07777).isEqualTo(0755);
  }

  @Test
  void aDirectoryEntryReplacedByALinkGivesTheHostFileNothingThroughVrunSetup() throws Exception {
    // As the issue reproduced it: a build's `vd/` (which setup gives the proc's user) and an image's `vd/` owned
    // by root with mode 04755, each followed by a symlink `vd` to a host file. The directory's attributes once
    // landed on the host file: `nobody` mode 4777 from the build, setuid root from the image.
    Path buildVictim = victim("build-victim");
    Path imageVictim = victim("image-victim");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(
        Files.newOutputStream(served.resolve("vd-build.tar.gz"))))) {
      TarArchiveEntry p = new TarArchiveEntry("Procfile");
      byte[] procfile = "web: ls -ld /app/vd\n".getBytes(StandardCharsets.UTF_8);
      p.setSize(procfile.length);
      tar.putArchiveEntry(p);
      tar.write(procfile);
      tar.closeArchiveEntry();
      HostileTars.directoryThenLink(tar, "vd", 04777, buildVictim);
    }
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(
            Files.newInputStream(served.resolve("busybox.tar.gz"))));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(
            Files.newOutputStream(served.resolve("vd-image.tar.gz"))))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        tar.putArchiveEntry(e);
        in.transferTo(tar);
        tar.closeArchiveEntry();
      }
      HostileTars.directoryThenLink(tar, "vd", 04755, imageVictim);
    }
    Path yaml = procYaml("proc.yaml", "vd-build.tar.gz", 5113, "", "vd-image");
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertUntouched(buildVictim);
    assertUntouched(imageVictim);
    assertThat(Files.isSymbolicLink(root().resolve("images/vd-image/contents/vd"))).isTrue();
    assertThat(Files.readAttributes(runner().layout(plan(yaml)).app().resolve("vd"), "unix:uid",
        LinkOption.NOFOLLOW_LINKS)).containsEntry("uid", 65534);
  }

  /**
   * A gzip member of {@code data}; members may follow each other in one file (gzip and GNU tar read them all).
   */
  private static void member(OutputStream out, byte[] data, int times) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(data);
    }
    for (int i = 0; i < times; i++) {
      b.writeTo(out);
    }
  }

  @Test
  void aTarBombBuildOrImageFailsSetupCleanlyAndLeavesNothing() throws Exception {
    // A whole, valid tar.gz of 2 MB that unpacks to 2 GiB of zeros after a Procfile (GNU tar writes it all).
    Path bomb = served.resolve("bomb.tar.gz");
    try (OutputStream out = Files.newOutputStream(bomb)) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      byte[] procfile = "web: sleep 1000\n".getBytes(StandardCharsets.UTF_8);
      byte[] header = new byte[512];
      TarArchiveEntry p = new TarArchiveEntry("Procfile");
      p.setSize(procfile.length);
      p.writeEntryHeader(header);
      head.write(header);
      head.write(Arrays.copyOf(procfile, 512));
      TarArchiveEntry zeros = new TarArchiveEntry("zeros");
      zeros.setSize(2L << 30);
      zeros.writeEntryHeader(header);
      head.write(header);
      member(out, head.toByteArray(), 1);
      member(out, new byte[1 << 20], 2048);
      member(out, new byte[1024], 1); // the end-of-archive blocks
    }
    assertThat(Files.size(bomb)).isLessThan(5L << 20);
    Path yaml = procYaml("proc.yaml", "bomb.tar.gz", 5114, "", null);
    Tool.Result r = vrun("setup", yaml.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("vrun: error: ").contains("unpacks to more than 1 GiB (at 'zeros')", "VR_UNPACK_MAX_BYTES");
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertNoProcLeftBehind();
    assertThat(root().resolve("builds")).isDirectoryNotContaining(f -> !f.getFileName().toString()
        .matches("bomb\\.tar\\.gz|\\.bomb\\.tar\\.gz\\.lock"));

    Path yaml2 = procYaml("proc2.yaml", null, 5115, "cmd: 'true'\n", "bomb");
    Tool.Result r2 = vrun("setup", yaml2.toString());
    assertThat(r2.exitCode()).isEqualTo(1);
    assertThat(r2.err()).contains("unpacks to more than 1 GiB (at 'zeros')");
    assertThat(root().resolve("images/bomb")).isDirectoryNotContaining(p -> !p.getFileName().toString()
        .matches("\\.lock|bomb\\.tar\\.gz"));
    assertNoProcLeftBehind();
  }

  @Test
  void aProfileDScriptLinkedToAHostFileIsNeverReadFromTheHost() throws Exception {
    // .profile.d is sourced inside the container only: a link to a host path finds the image's file or nothing.
    Path secret = Files.writeString(tmp.resolve("host-profile.sh"), "echo host-secret-line\n");
    Path src = Files.createDirectories(tmp.resolve("src/.profile.d"));
    Files.createSymbolicLink(src.resolve("evil.sh"), secret);
    Files.writeString(src.resolve("plain.sh"), "echo from-the-build\n");
    Path yaml = procYaml("proc.yaml", build("profile-link.tar.gz", src.getParent()), 5116, "cmd: 'true'\n", null);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    String out = runToEnd(yaml);
    assertThat(out).contains("from-the-build").doesNotContain("host-secret-line").endsWith("exit=0");
  }

  @Test
  void hostileSettingsExitTwoInOneLineAndCreateNothing() throws Exception {
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    String anchor = "x".repeat(1_000_000);
    StringBuilder aliases = new StringBuilder("env:\n  BIG: &b " + anchor + "\n");
    for (int i = 0; i < 2000; i++) {
      aliases.append("  K").append(i).append(": *b\n");
    }
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(aliases.toString(), "aliases repeat more than 1048576 characters");
    cases.put("image_name: '.'\n", "image_name");
    cases.put("image_name: '..'\n", "image_name");
    cases.put("port: \"80\"\n", "port");
    cases.put("port: 0x50\n", "port");
    cases.put("volumes: [[" + vol + "/../etc, /data]]\n", "volumes");
    cases.put("proc_name: " + "p".repeat(100_000) + "\n", "proc_name");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path yaml = procYaml("bad.yaml", null, 5117, "cmd: 'true'\n", null);
      String key = c.getKey().substring(0, c.getKey().indexOf(':'));
      String text = Files.readString(yaml).lines().filter(l -> !l.startsWith(key + ":"))
          .reduce("", (a, l) -> a + l + "\n");
      Files.writeString(yaml, text + c.getKey());
      Tool.Result r = vrun("setup", yaml.toString());
      String what = c.getKey().length() > 40 ? c.getKey().substring(0, 40) : c.getKey();
      assertThat(r.exitCode()).as(what).isEqualTo(2);
      assertThat(r.err()).as(what).startsWith("vrun: error: ").contains("bad.yaml line ", c.getValue());
      assertThat(r.err().lines().count()).as(what).isEqualTo(1);
      assertThat(r.err().length()).as(what).isLessThan(400);
      assertThat(root()).as(what).doesNotExist();
    }
    // Too big to read (sparse: 60 MB that reading would hold in memory twice over), and a FIFO with no writer.
    Path big = tmp.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(60L << 20);
    }
    Tool.Result r = vrun("setup", big.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vrun: error: big.yaml: is 62914560 bytes; a configuration file may have at most"
        + " 4194304 bytes (4 MiB)\n");
    Path fifo = tmp.resolve("fifo.yaml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Tool.Result f = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> vrun("setup", fifo.toString()));
    assertThat(f.exitCode()).isEqualTo(2);
    assertThat(f.err()).isEqualTo("vrun: error: fifo.yaml: is a FIFO, socket or device; only a regular file is read\n");
    assertThat(root()).doesNotExist();
  }

  @Test
  void aCachedCopyOfARootOnlyBuildIsRootOnly() throws Exception {
    Path src = tmp.resolve("secret-build.tar.gz");
    Fixtures.build(src, Map.of("Procfile", "web: sleep 1000\n"));
    Files.setAttribute(src, "unix:mode", 0600);
    Path yaml = procYaml("proc.yaml", null, 5118, "build_url: file://" + src + "\n", null);
    assertThat(vrun("setup", yaml.toString()).exitCode()).isZero();
    try (var s = Files.list(root().resolve("builds"))) {
      List<Path> copies = s.filter(p -> p.getFileName().toString().endsWith(".tar.gz")).toList();
      assertThat(copies).hasSize(1);
      Map<String, Object> a = Files.readAttributes(copies.get(0), "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      assertThat(a).containsEntry("uid", 0);
      assertThat((Integer) a.get("mode") & 07777).isEqualTo(0600);
    }
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
