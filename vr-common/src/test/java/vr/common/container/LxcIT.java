package vr.common.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;

/** Real LXC containers on a busybox root filesystem. */
class LxcIT {
  @TempDir static Path shared;
  static Path image;
  @TempDir Path tmp;
  final Lxc lxc = Lxc.host();

  @BeforeAll
  static void stack() {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    image = Stacks.busyboxRootfs(shared.resolve("busybox"));
  }

  ContainerSpec.Builder spec(String... cmd) {
    return ContainerSpec.builder(ContainerNames.of(tmp.toString()), tmp.resolve("lxc"))
        .lower(image)
        .upper(tmp.resolve("c/upper"))
        .user(65534, 65534)
        .env("PATH", "/bin")
        .command(cmd);
  }

  record Result(int code, String out) {}

  Result run(ContainerSpec s) throws Exception {
    Process p = lxc.start(s, new ProcessBuilder().redirectErrorStream(true));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    lxc.stop(s.name());
    return new Result(p.exitValue(), out);
  }

  @Test
  void commandRunsAsTheGivenUserAndItsExitStatusIsReturned() throws Exception {
    Result r = run(spec("/bin/sh", "-c", "id -u; id -g; pwd; exit 3").cwd("/tmp").build());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEqualTo("65534\n65534\n/tmp\n");
  }

  @Test
  void writesLandInTheUpperDirAndTheImageStaysUntouched() throws Exception {
    Result r = run(spec("/bin/sh", "-c", "echo hi > /tmp/f; rm /etc/hostname; echo ok").user(0, 0).build());
    assertThat(r.out()).isEqualTo("ok\n");
    assertThat(Files.readString(tmp.resolve("c/upper/tmp/f"))).isEqualTo("hi\n");
    assertThat(image.resolve("etc/hostname")).exists();
    assertThat(image.resolve("tmp/f")).doesNotExist();
  }

  @Test
  void anUpperLayerAboveTheImageIsSeenInside() throws Exception {
    Path layer = Files.createDirectories(tmp.resolve("layer/etc"));
    Files.writeString(layer.resolve("motd"), "from the layer\n");
    ContainerSpec s = ContainerSpec.builder(ContainerNames.of(tmp.toString()), tmp.resolve("lxc"))
        .lower(tmp.resolve("layer")).lower(image).upper(tmp.resolve("c/upper")).user(65534, 65534)
        .command("/bin/cat", "/etc/motd").build();
    assertThat(run(s).out()).isEqualTo("from the layer\n");
  }

  @Test
  void readOnlyBindsCannotBeWrittenAndWritableOnesCan() throws Exception {
    Path ro = Files.createDirectories(tmp.resolve("ro"));
    Path rw = Files.createDirectories(tmp.resolve("rw"));
    Files.writeString(ro.resolve("x"), "x");
    rw.toFile().setWritable(true, false);
    Result r = run(spec("/bin/sh", "-c", "{ echo y > /ro/y; } 2>/dev/null && echo wrote-ro; echo z > /data/z && echo wrote-rw")
        .mount(ContainerSpec.Mount.bind(ro, "/ro", true))
        .mount(ContainerSpec.Mount.bind(rw, "/data", false))
        .build());
    assertThat(r.out()).isEqualTo("wrote-rw\n");
    assertThat(Files.readString(rw.resolve("z"))).isEqualTo("z\n");
    assertThat(ro.resolve("y")).doesNotExist();
  }

  @Test
  void theHostNetworkIsShared() throws Exception {
    String hostIfaces = new String(new ProcessBuilder("cat", "/proc/net/dev").start().getInputStream().readAllBytes());
    Result r = run(spec("/bin/cat", "/proc/net/dev").build());
    assertThat(r.out().lines().map(l -> l.split(":")[0].strip()).toList())
        .containsExactlyElementsOf(hostIfaces.lines().map(l -> l.split(":")[0].strip()).toList());
  }

  @Test
  void aProcessAllocatingPastTheMemoryLimitIsKilled() throws Exception {
    // busybox has no allocator: the shell holds 100 MB of 'a' in a variable.
    String hog = "x=$(dd if=/dev/zero bs=1M count=100 2>/dev/null | tr '\\0' a); echo survived ${#x}";
    Result small = run(spec("/bin/sh", "-c", hog).memory(32L << 20, null).build());
    assertThat(small.out()).doesNotContain("survived");
    // The kernel stops it: the OOM killer kills the shell (137), or, it seems, an allocation is refused outright
    // and busybox's shell gives up ("out of memory", 1). One CI run got 1, without the output; anything else
    // fails here with the output.
    assertThat(small.code() == 137 || small.code() == 1 && small.out().contains("out of memory"))
        .as("exit %d, output %s", small.code(), small.out()).isTrue();
    Result big = run(spec("/bin/sh", "-c", hog).memory(512L << 20, null).build());
    assertThat(big.out()).isEqualTo("survived 104857600\n");
  }

  @Test
  void sigtermToTheMonitorReachesTheCommand() throws Exception {
    ContainerSpec s = spec("/bin/sh", "-c", "trap 'echo got TERM; exit 7' TERM; echo ready; while :; do sleep 1 & wait $!; done")
        .build();
    Process p = lxc.start(s, new ProcessBuilder().redirectErrorStream(true));
    var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    assertThat(in.readLine()).isEqualTo("ready");
    // The shell waits with 'wait', which a trapped signal interrupts at once: a foreground 'sleep' would
    // delay the trap, and LXC's init kills everything a second after SIGTERM (this test was flaky so).
    p.toHandle().destroy(); // SIGTERM; Process.destroy would also close our end of the pipe
    // LXC's init sends SIGTERM to every process inside, so the shell may also report its killed sleep.
    assertThat(in.lines().toList()).contains("got TERM");
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(7);
    assertThat(lxc.running(s.name())).isFalse();
  }

  @Test
  void stopKillsAContainerWhoseMonitorWasKilled() throws Exception {
    ContainerSpec s = spec("/bin/sh", "-c", "echo ready; sleep 1000 & sleep 1000").build();
    Process p = lxc.start(s, new ProcessBuilder().redirectErrorStream(true));
    var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    assertThat(in.readLine()).isEqualTo("ready");
    p.toHandle().destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    assertThat(lxc.running(s.name())).as("the container outlives a SIGKILLed monitor").isTrue();
    lxc.stop(s.name());
    assertThat(lxc.running(s.name())).isFalse();
    assertThat(lxc.cgroupDirs(s.name())).isEmpty();
  }

  @Test
  void removeDeletesTheConfigDir() throws Exception {
    ContainerSpec s = spec("/bin/true").build();
    run(s);
    assertThat(Lxc.configFile(s)).exists();
    lxc.remove(s);
    assertThat(s.containerDir()).doesNotExist();
    assertThat(List.of(Files.readString(Path.of("/proc/self/mounts")).split("\n")))
        .noneMatch(l -> l.contains(tmp.toString()));
  }
}
