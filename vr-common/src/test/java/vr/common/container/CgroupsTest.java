package vr.common.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupsTest {
  @TempDir Path tmp;

  private Cgroups parse(String mounts) {
    return Cgroups.parse(mounts, p -> tmp.resolve(p.substring(1)));
  }

  @Test
  void hybridHostWithV1MemoryIsV1() throws Exception {
    Files.createDirectories(tmp.resolve("sys/fs/cgroup/memory"));
    Files.writeString(tmp.resolve("sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"), "");
    Cgroups c = parse("""
        tmpfs /sys/fs/cgroup tmpfs ro 0 0
        cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,memory 0 0
        cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0
        cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0
        """);
    assertThat(c.version()).isEqualTo(Cgroups.Version.V1);
    assertThat(c.memory()).isTrue();
    assertThat(c.swapLimit()).isTrue();
    assertThat(c.hierarchies()).hasSize(3);
    assertThat(c.pids()).isEqualTo(Cgroups.Version.V1);
    assertThat(c.cpu()).isNull();
  }

  @Test
  void aHybridHostMayHaveThePidsAndCpuControllersInTheUnifiedTree() throws Exception {
    Files.createDirectories(tmp.resolve("sys/fs/cgroup/unified"));
    Files.writeString(tmp.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "cpu pids\n");
    Cgroups c = parse("""
        cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0
        cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0
        """);
    assertThat(c.version()).isEqualTo(Cgroups.Version.V1);
    assertThat(c.pids()).isEqualTo(Cgroups.Version.V2);
    assertThat(c.cpu()).isEqualTo(Cgroups.Version.V2);
  }

  @Test
  void v1WithoutSwapAccountingCannotLimitSwap() throws Exception {
    Files.createDirectories(tmp.resolve("sys/fs/cgroup/memory"));
    Cgroups c = parse("cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n");
    assertThat(c.swapLimit()).isFalse();
  }

  @Test
  void unifiedHostWithMemoryControllerIsV2() throws Exception {
    Files.createDirectories(tmp.resolve("sys/fs/cgroup"));
    Files.writeString(tmp.resolve("sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory pids\n");
    Cgroups c = parse("cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n");
    assertThat(c.version()).isEqualTo(Cgroups.Version.V2);
    assertThat(c.memory()).isTrue();
    assertThat(c.pids()).isEqualTo(Cgroups.Version.V2);
    assertThat(c.cpu()).isEqualTo(Cgroups.Version.V2);
  }

  @Test
  void unifiedTreeWithoutMemoryHasNoMemoryController() throws Exception {
    Files.createDirectories(tmp.resolve("sys/fs/cgroup/unified"));
    Files.writeString(tmp.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "hugetlb\n");
    Cgroups c = parse("cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n");
    assertThat(c.memory()).isFalse();
  }

  @Test
  void octalEscapesInMountPointsAreDecoded() {
    assertThat(Cgroups.unescape("/a\\040b")).isEqualTo("/a b");
  }

  @Test
  void thisHostIsReadable() {
    assertThat(Cgroups.detect().hierarchies()).isNotNull();
  }
}
