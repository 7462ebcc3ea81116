package vr.imager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;

class ResolvConfTest {
  @TempDir Path dir;
  Path rootfs;
  Path host;
  Path resolv;

  @BeforeEach
  void setUp() throws IOException {
    rootfs = Files.createDirectories(dir.resolve("rootfs/etc")).getParent();
    host = dir.resolve("host-resolv.conf");
    Files.writeString(host, "nameserver 192.0.2.53\n");
    resolv = rootfs.resolve("etc/resolv.conf");
  }

  @Test
  void theHostsResolverIsCopiedInAndTheImagesOwnFilePutBack() throws IOException {
    Files.writeString(resolv, "nameserver 198.51.100.1\n");
    ResolvConf r = ResolvConf.install(rootfs, host);
    assertThat(resolv).isRegularFile().hasContent("nameserver 192.0.2.53");
    r.restore();
    assertThat(resolv).hasContent("nameserver 198.51.100.1");
  }

  @Test
  void aLinkInTheImageBecomesAnEmptyPlainFileAndItsTargetIsNeverWritten() throws IOException {
    Path outside = dir.resolve("outside.conf");
    Files.writeString(outside, "precious\n");
    Files.createSymbolicLink(resolv, outside);
    ResolvConf r = ResolvConf.install(rootfs, host);
    assertThat(Files.isSymbolicLink(resolv)).isFalse();
    r.restore();
    assertThat(Files.isRegularFile(resolv, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readString(resolv)).isEmpty();
    assertThat(outside).hasContent("precious");
  }

  @Test
  void aFileTheScriptWroteIsKept() throws IOException {
    ResolvConf r = ResolvConf.install(rootfs, host);
    Files.writeString(resolv, "nameserver 203.0.113.9\n");
    r.restore();
    assertThat(resolv).hasContent("nameserver 203.0.113.9");
  }

  @Test
  void aLinkTheScriptMadeIsReplacedByAPlainFile() throws IOException {
    ResolvConf r = ResolvConf.install(rootfs, host);
    Files.delete(resolv);
    Files.createSymbolicLink(resolv, Path.of("/run/systemd/resolve/stub-resolv.conf"));
    r.restore();
    assertThat(Files.isRegularFile(resolv, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readString(resolv)).isEmpty();
  }

  @Test
  void aBaseWhoseEtcIsALinkIsRefusedAndTheLinkedDirectoryKeepsItsFiles() throws IOException {
    Path hostEtc = Files.createDirectories(dir.resolve("host-etc"));
    Files.writeString(hostEtc.resolve("resolv.conf"), "nameserver 198.51.100.7\n");
    Files.delete(rootfs.resolve("etc"));
    Files.createSymbolicLink(rootfs.resolve("etc"), hostEtc);
    assertThatThrownBy(() -> ResolvConf.install(rootfs, host)).isInstanceOf(VrException.class)
        .hasMessage("the base image's /etc is not a directory");
    assertThat(hostEtc.resolve("resolv.conf")).hasContent("nameserver 198.51.100.7");
    assertThat(hostEtc).isDirectoryNotContaining(p -> !p.getFileName().toString().equals("resolv.conf"));
  }

  @Test
  void anEtcTheScriptReplacedWithALinkIsNeverWrittenThrough() throws IOException {
    // On the host, the script's link /etc -> /etc leads to the host's /etc, whose resolv.conf is exactly what was
    // copied in, so putting the image's file back would have replaced the host's.
    Path hostEtc = Files.createDirectories(dir.resolve("host-etc"));
    Files.writeString(hostEtc.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
    Files.writeString(resolv, "nameserver 198.51.100.1\n");
    ResolvConf r = ResolvConf.install(rootfs, host);
    vr.common.fs.Trees.delete(rootfs.resolve("etc"));
    Files.createSymbolicLink(rootfs.resolve("etc"), hostEtc);
    assertThatThrownBy(r::restore).isInstanceOf(VrException.class).hasMessage("the provisioning script left /etc as"
        + " something other than a directory (a symbolic link?); no image written");
    assertThat(hostEtc.resolve("resolv.conf")).hasContent("nameserver 192.0.2.53");
  }
}
