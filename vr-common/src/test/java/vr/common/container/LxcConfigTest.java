package vr.common.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.VrException;

class LxcConfigTest {
  static final Cgroups V1 = new Cgroups(Cgroups.Version.V1, true, true, List.of(Path.of("/sys/fs/cgroup/memory")));
  static final Cgroups V2 = new Cgroups(Cgroups.Version.V2, true, true, List.of(Path.of("/sys/fs/cgroup")));

  static ContainerSpec.Builder spec() {
    return ContainerSpec.builder("vr-0123456789ab", Path.of("/apps/procs/p/lxc"))
        .lower(Path.of("/apps/procs/p/layer"))
        .lower(Path.of("/apps/images/busybox/contents"))
        .upper(Path.of("/apps/procs/p/rootfs"))
        .user(65534, 65534)
        .cwd("/app")
        .env("PATH", "/bin")
        .command("/bin/sh", "/proc.sh", "run");
  }

  @Test
  void rootfsIsAnOverlayOfAllLowersWithTheUpperLast() {
    String cfg = LxcConfig.render(spec().build(), V1);
    assertThat(cfg).contains(
        "lxc.rootfs.path = overlay:/apps/procs/p/layer:/apps/images/busybox/contents:/apps/procs/p/rootfs\n");
  }

  @Test
  void aPlainRootfsIsUsedReadWriteWithoutOverlay() {
    ContainerSpec s = ContainerSpec.builder("vimage-0a1b2c3d", Path.of("/apps/images/.vimage-x/lxc"))
        .lower(Path.of("/ignored"))
        .rootfs(Path.of("/apps/images/.vimage-x/rootfs"))
        .command("/bin/true")
        .build();
    assertThat(s.plainRootfs()).isTrue();
    String cfg = LxcConfig.render(s, V1);
    assertThat(cfg).contains("lxc.rootfs.path = dir:/apps/images/.vimage-x/rootfs\n").doesNotContain("overlay");
  }

  @Test
  void aConsoleContainerKeepsLxcsConsole() {
    String plain = LxcConfig.render(spec().build(), V1);
    String console = LxcConfig.render(spec().build(), V1, true);
    assertThat(plain).contains("lxc.console.path = none\n", "/dev/null dev/console");
    assertThat(console).doesNotContain("lxc.console.path", "dev/console").contains("lxc.pty.max = 1024\n");
  }

  @Test
  void hostNetworkUserAndCwdAreSet() {
    String cfg = LxcConfig.render(spec().build(), V1);
    assertThat(cfg).contains("lxc.net.0.type = none\n", "lxc.init.uid = 65534\n", "lxc.init.gid = 65534\n",
        "lxc.init.cwd = /app\n", "lxc.environment = PATH=/bin\n", "lxc.autodev = 1\n");
    assertThat(cfg).doesNotContain("lxc.uts.name");
  }

  @Test
  void loopbackOnlyNetworkIsEmpty() {
    String cfg = LxcConfig.render(spec().network(ContainerSpec.Network.LOOPBACK_ONLY).hostname("box").build(), V1);
    assertThat(cfg).contains("lxc.net.0.type = empty\n", "lxc.uts.name = box\n");
  }

  @Test
  void memoryLimitsUseV1KeysInTheOrderTheKernelNeeds() {
    String cfg = LxcConfig.render(spec().memory(256L << 20, 512L << 20).build(), V1);
    int mem = cfg.indexOf("lxc.cgroup.memory.limit_in_bytes = 268435456\n");
    int memsw = cfg.indexOf("lxc.cgroup.memory.memsw.limit_in_bytes = 536870912\n");
    assertThat(mem).isPositive();
    assertThat(memsw).isGreaterThan(mem);
    assertThat(cfg).doesNotContain("cgroup2");
  }

  @Test
  void memoryLimitsUseV2KeysWithSwapAsTheDifference() {
    String cfg = LxcConfig.render(spec().memory(256L << 20, 512L << 20).build(), V2);
    assertThat(cfg).contains("lxc.cgroup2.memory.max = 268435456\n", "lxc.cgroup2.memory.swap.max = 268435456\n",
        "lxc.cgroup2.devices.deny = a\n");
    assertThat(cfg).doesNotContain("lxc.cgroup.memory");
  }

  @Test
  void memswWithoutSwapAccountingIsRefused() {
    Cgroups noSwap = new Cgroups(Cgroups.Version.V1, true, false, List.of());
    assertThatThrownBy(() -> LxcConfig.render(spec().memory(1L << 20, 2L << 20).build(), noSwap))
        .isInstanceOf(VrException.class).hasMessageContaining("swapaccount=1");
  }

  @Test
  void memswBelowMemIsRefused() {
    assertThatThrownBy(() -> LxcConfig.render(spec().memory(2L << 20, 1L << 20).build(), V1))
        .hasMessageContaining("smaller than mem_limit");
  }

  @Test
  void bindMountsAreRelativeToTheRootfsWithCreateReadOnlyNosuidAndNodev() {
    String cfg = LxcConfig.render(spec()
        .mount(ContainerSpec.Mount.bind(Path.of("/srv/data"), "/data", false))
        .mount(ContainerSpec.Mount.bindFile(Path.of("/etc/hosts"), "/etc/hosts", true, true))
        .mount(ContainerSpec.Mount.tmpfs("/scratch", "size=10m"))
        .build(), V1);
    assertThat(cfg).contains("lxc.mount.entry = /srv/data data none bind,nosuid,nodev,create=dir 0 0\n",
        "lxc.mount.entry = /etc/hosts etc/hosts none bind,ro,nosuid,nodev,create=file,optional 0 0\n",
        "lxc.mount.entry = tmpfs scratch tmpfs rw,nosuid,nodev,size=10m,create=dir 0 0\n");
  }

  @Test
  void mountPathsWithSpacesAreRefused() {
    assertThatThrownBy(() -> LxcConfig.render(
        spec().mount(ContainerSpec.Mount.bind(Path.of("/srv/my data"), "/data", false)).build(), V1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void layerPathsWithColonsAreRefused() {
    assertThatThrownBy(() -> spec().lower(Path.of("/a:b")).build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void environmentValuesWithNewlinesAreRefused() {
    assertThatThrownBy(() -> LxcConfig.render(spec().env("X", "a\nlxc.init.uid = 0").build(), V1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noContainerGainsPrivilegesByExec() {
    assertThat(LxcConfig.render(spec().build(), V1)).contains("lxc.no_new_privs = 1\n");
    assertThat(LxcConfig.render(spec().user(0, 0).build(), V2)).contains("lxc.no_new_privs = 1\n");
  }

  @Test
  void aContainerOfAnotherUserKeepsNoCapabilityAndRootOnlyAMinimalSet() {
    String user = LxcConfig.render(spec().build(), V1);
    assertThat(user).contains("lxc.cap.keep = none\n").doesNotContain("lxc.cap.drop");
    String root = LxcConfig.render(spec().user(0, 0).build(), V1);
    assertThat(root).contains("lxc.cap.keep = " + LxcConfig.ROOT_CAPS + "\n").doesNotContain("lxc.cap.drop");
    for (String never : List.of("sys_admin", "net_admin", "net_raw", "sys_ptrace", "bpf", "dac_read_search",
        "sys_module", "mknod", "sys_rawio", "perfmon")) {
      assertThat(LxcConfig.ROOT_CAPS.split(" ")).as(never).doesNotContain(never);
    }
  }

  @Test
  void processesAreLimitedByDefaultWhereThePidsControllerIs() {
    assertThat(LxcConfig.render(spec().build(), V1)).contains("lxc.cgroup.pids.max = 1024\n");
    assertThat(LxcConfig.render(spec().pids(50L).build(), V2)).contains("lxc.cgroup2.pids.max = 50\n");
    Cgroups hybrid = new Cgroups(Cgroups.Version.V1, true, true, List.of(), Cgroups.Version.V2, Cgroups.Version.V1);
    assertThat(LxcConfig.render(spec().build(), hybrid)).contains("lxc.cgroup2.pids.max = 1024\n");
    assertThat(LxcConfig.render(spec().pids(null).build(), V1)).doesNotContain("pids.max");
    Cgroups none = new Cgroups(Cgroups.Version.V1, true, true, List.of(), null, null);
    assertThatThrownBy(() -> LxcConfig.render(spec().build(), none)).hasMessageContaining("no pids cgroup controller");
  }

  @Test
  void cpuSharesBecomeAWeightOnV2() {
    assertThat(LxcConfig.render(spec().cpuShares(512).build(), V1)).contains("lxc.cgroup.cpu.shares = 512\n");
    assertThat(LxcConfig.render(spec().cpuShares(262144).build(), V2)).contains("lxc.cgroup2.cpu.weight = 10000\n");
    assertThat(LxcConfig.cpuWeight(2)).isEqualTo(1);
    assertThat(LxcConfig.render(spec().build(), V1)).doesNotContain("cpu.shares");
  }

  @Test
  void writableBindMountsAreRemountedNosuidByAHookAndReadOnlyOnesNeedNone() {
    String one = LxcConfig.render(spec().mount(ContainerSpec.Mount.bind(Path.of("/apps/procs/p/app"), "/app", false))
        .mount(ContainerSpec.Mount.bindFile(Path.of("/etc/hosts"), "/etc/hosts", true, true)).build(), V1);
    assertThat(one).contains("lxc.hook.mount = /bin/mount -o remount,bind,nosuid,nodev \"$LXC_ROOTFS_MOUNT\"/'app' #\n");
    String two = LxcConfig.render(spec().mount(ContainerSpec.Mount.bind(Path.of("/a"), "/app", false))
        .mount(ContainerSpec.Mount.bind(Path.of("/b"), "/it's", false)).build(), V1);
    assertThat(two).contains("lxc.hook.mount = /bin/sh -c 'for t; do /bin/mount -o remount,bind,nosuid,nodev"
        + " \"$LXC_ROOTFS_MOUNT/$t\" || exit; done' vr-remount 'app' 'it'\\''s' #\n");
    String none = LxcConfig.render(spec().mount(ContainerSpec.Mount.bind(Path.of("/a"), "/app", true)).build(), V1);
    assertThat(none).doesNotContain("lxc.hook");
  }
}
