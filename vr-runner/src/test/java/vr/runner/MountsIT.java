package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.exec.Exec;
import vr.common.testing.Prereqs;

/** Teardown's guard against deleting through a host mount someone left under a proc folder. */
class MountsIT {
  @TempDir Path tmp;

  @AfterEach
  void unmountLeftovers() {
    for (Path mp : Mounts.under(tmp)) {
      Exec.of("umount", "-l", mp.toString()).capture();
    }
  }

  @Test
  void unmountUnderRemovesNestedMountsAndLeavesTheirMountPoints() throws IOException {
    Prereqs.root();
    Path outer = Files.createDirectories(tmp.resolve("proc/rootfs"));
    Exec.of("mount", "-t", "tmpfs", "tmpfs", outer.toString()).check();
    Path inner = Files.createDirectories(outer.resolve("with space"));
    Exec.of("mount", "-t", "tmpfs", "tmpfs", inner.toString()).check();
    Files.writeString(inner.resolve("file"), "on the mount");
    assertThat(Mounts.under(tmp)).containsExactly(inner, outer);

    Mounts.unmountUnder(tmp);

    assertThat(Mounts.under(tmp)).isEmpty();
    assertThat(outer).isEmptyDirectory();
  }
}
