package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Progress;
import vr.common.testing.Prereqs;

/** Extraction as root: owners, setuid bits, device nodes and fifos (needs root and coreutils' mknod). */
class ArchivesIT {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path tmp;

  @BeforeEach
  void prereqs() {
    Prereqs.root();
    Prereqs.command("mknod", "coreutils");
  }

  private static Map<String, Object> attrs(Path p) throws Exception {
    return Files.readAttributes(p, "unix:uid,gid,mode,rdev", NOFOLLOW);
  }

  @Test
  void asRootKeepsTheArchivesNumericOwnersAndSetuidBits() throws Exception {
    Path tgz = new TarBuilder()
        .dir("etc", 0755, TarBuilder.T1).owned(0, 0)
        .file("etc/shadow", "x".getBytes(StandardCharsets.UTF_8), 0640, TarBuilder.T1).owned(0, 42)
        .file("usr/bin/passwd", "elf".getBytes(StandardCharsets.UTF_8), 04755, TarBuilder.T1).owned(0, 0)
        .file("usr/bin/wall", "elf".getBytes(StandardCharsets.UTF_8), 02755, TarBuilder.T1).owned(0, 5)
        .dir("home/app", 0700, TarBuilder.T2).owned(1234, 2345)
        .symlink("home/app/link", "/nowhere").owned(1234, 2345)
        .dir("tmp", 01777, TarBuilder.T1)
        .gz(tmp.resolve("rootfs.tar.gz"));
    Path t = tmp.resolve("contents");
    Archives.extract(tgz, t, null, Progress.NONE);
    assertThat(attrs(t.resolve("etc/shadow"))).containsEntry("uid", 0).containsEntry("gid", 42);
    assertThat((Integer) attrs(t.resolve("usr/bin/passwd")).get("mode") & 07777).isEqualTo(04755);
    assertThat((Integer) attrs(t.resolve("usr/bin/wall")).get("mode") & 07777).isEqualTo(02755);
    assertThat(attrs(t.resolve("usr/bin/wall"))).containsEntry("gid", 5);
    assertThat(attrs(t.resolve("home/app"))).containsEntry("uid", 1234).containsEntry("gid", 2345);
    assertThat((Integer) attrs(t.resolve("home/app")).get("mode") & 07777).isEqualTo(0700);
    assertThat(attrs(t.resolve("home/app/link"))).containsEntry("uid", 1234).containsEntry("gid", 2345);
    assertThat((Integer) attrs(t.resolve("tmp")).get("mode") & 07777).isEqualTo(01777);
  }

  @Test
  void aDirectoryEntryNeverMakesAHostFileSetuidThroughALaterSymlink() throws Exception {
    // As a stack image: owner 0 and mode 04755 on a directory entry, then a symlink of the same name to a host
    // binary. The directory's attributes once landed on the binary, which became setuid root.
    Path victim = Files.writeString(tmp.resolve("host-binary"), "elf");
    Files.setAttribute(victim, "unix:uid", 1234);
    Files.setAttribute(victim, "unix:mode", 0755);
    Path tgz = new TarBuilder().dir("vd", 04755, TarBuilder.T1).owned(0, 0).symlink("vd", victim.toString())
        .gz(tmp.resolve("image.tar.gz"));
    Archives.extract(tgz, tmp.resolve("contents"), null, Progress.NONE);
    assertThat(attrs(victim)).containsEntry("uid", 1234);
    assertThat((Integer) attrs(victim).get("mode") & 07777).isEqualTo(0755);
    // As a build: everything goes to the proc's user, and directories get ug+rx.
    Path tgz2 = new TarBuilder().dir("vd", 04777, TarBuilder.T1).symlink("vd", victim.toString())
        .gz(tmp.resolve("build.tar.gz"));
    Archives.extract(tgz2, tmp.resolve("app"), new Owner(65534, 65534), Progress.NONE);
    assertThat(attrs(victim)).containsEntry("uid", 1234).containsEntry("gid", 0);
    assertThat((Integer) attrs(victim).get("mode") & 07777).isEqualTo(0755);
    assertThat(attrs(tmp.resolve("app/vd"))).containsEntry("uid", 65534);
  }

  @Test
  void ownerGivesEverythingAwayAndOpensItToUserAndGroup() throws Exception {
    Path tgz = new TarBuilder()
        .dir("./", 0700, TarBuilder.T1)
        .file("app/Procfile", "web: x".getBytes(StandardCharsets.UTF_8), 0400, TarBuilder.T1).owned(0, 0)
        .dir("app/private", 0700, TarBuilder.T1)
        .symlink("app/current", "Procfile")
        .gz(tmp.resolve("build.tar.gz"));
    Path t = tmp.resolve("rootfs/app");
    Archives.extract(tgz, t, new Owner(1500, 1600), Progress.NONE);
    for (String p : new String[] {"", "app", "app/Procfile", "app/private", "app/current"}) {
      assertThat(attrs(t.resolve(p))).as(p).containsEntry("uid", 1500).containsEntry("gid", 1600);
    }
    assertThat((Integer) attrs(t.resolve("app/Procfile")).get("mode") & 0777).isEqualTo(0660);
    assertThat((Integer) attrs(t.resolve("app/private")).get("mode") & 0777).isEqualTo(0750);
    assertThat((Integer) attrs(t).get("mode") & 0777).isEqualTo(0750);
  }

  @Test
  void recreatesDeviceNodesAndFifos() throws Exception {
    Path tgz = new TarBuilder()
        .dir("dev", 0755, TarBuilder.T1)
        .device("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
        .device("dev/loop0", TarConstants.LF_BLK, 7, 0, 0660)
        .device("run/initctl", TarConstants.LF_FIFO, 0, 0, 0600)
        .gz(tmp.resolve("image.tar.gz"));
    Path t = tmp.resolve("contents");
    Archives.extract(tgz, t, null, Progress.NONE);
    Map<String, Object> n = attrs(t.resolve("dev/null"));
    assertThat((Integer) n.get("mode") & 0170000).isEqualTo(0020000);
    assertThat((Integer) n.get("mode") & 07777).isEqualTo(0666);
    assertThat((Long) n.get("rdev")).isEqualTo((1L << 8) | 3);
    assertThat((Integer) attrs(t.resolve("dev/loop0")).get("mode") & 0170000).isEqualTo(0060000);
    assertThat((Integer) attrs(t.resolve("run/initctl")).get("mode") & 0170000).isEqualTo(0010000);
    assertThat((Integer) attrs(t.resolve("run/initctl")).get("mode") & 07777).isEqualTo(0600);
  }

  @Test
  void packingKeepsOwnersAndDeviceNodes() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/dev"));
    vr.common.exec.Exec.of("mknod", "-m", "0666", src.resolve("zero").toString(), "c", "1", "5").check();
    Path f = Files.writeString(tmp.resolve("src/owned"), "x");
    Files.setAttribute(f, "unix:uid", 777);
    Files.setAttribute(f, "unix:gid", 888);
    Path out = tmp.resolve("o.tar.gz");
    Archives.createTarGz(tmp.resolve("src"), out, Progress.NONE);
    Path t = tmp.resolve("back");
    Archives.extract(out, t, null, Progress.NONE);
    assertThat(attrs(t.resolve("owned"))).containsEntry("uid", 777).containsEntry("gid", 888);
    assertThat((Long) attrs(t.resolve("dev/zero")).get("rdev")).isEqualTo((1L << 8) | 5);
  }
}
