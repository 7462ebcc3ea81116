package vr.imager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import vr.common.VrException;

/**
 * The image's {@code /etc/resolv.conf} around a provisioning run. The script needs the host's resolver to reach
 * a mirror, so the host's file is copied in (copied, not linked: a link would point at the host's file from
 * inside every container later run on the image). Afterwards the image's own file is put back, or an empty one
 * when the image had a link or nothing, so the new image never carries this host's resolver nor a link to it;
 * a plain file the script wrote itself is kept. Nothing here follows a link inside the image: a hostile image
 * could point {@code /etc/resolv.conf} at a file of the host.
 */
final class ResolvConf {
  private final Path file;
  private final byte[] original;
  private final byte[] installed;

  private ResolvConf(Path file, byte[] original, byte[] installed) {
    this.file = file;
    this.original = original;
    this.installed = installed;
  }

  /** Replaces the image's resolv.conf with a copy of {@code hostFile} (empty when the host has none). */
  static ResolvConf install(Path rootfs, Path hostFile) {
    Path etc = rootfs.resolve("etc");
    Path f = etc.resolve("resolv.conf");
    try {
      if (Files.exists(etc, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS)) {
        throw new VrException("the base image's /etc is not a directory");
      }
      Files.createDirectories(etc);
      byte[] original = Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(f) : null;
      byte[] host = Files.isReadable(hostFile) ? Files.readAllBytes(hostFile) : new byte[0];
      replace(f, host);
      return new ResolvConf(f, original, host);
    } catch (IOException e) {
      throw new VrException("cannot prepare /etc/resolv.conf in the image: " + e.getMessage(), e);
    }
  }

  /** Puts the image's own resolv.conf back (see the class comment). */
  void restore() {
    // The script ran as root in the image: had it made /etc a link (to "/etc", say), the host would resolve that
    // link to its own /etc, and the file put back would replace the host's resolver configuration.
    if (!Files.isDirectory(file.getParent(), LinkOption.NOFOLLOW_LINKS)) {
      throw new VrException("the provisioning script left /etc as something other than a directory (a symbolic"
          + " link?); no image written");
    }
    try {
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] now = Files.readAllBytes(file);
        if (!Arrays.equals(now, installed)) {
          return; // the script wrote its own resolver configuration: it is part of the image
        }
      }
      replace(file, original == null ? new byte[0] : original);
    } catch (IOException e) {
      throw new VrException("cannot restore /etc/resolv.conf in the image: " + e.getMessage(), e);
    }
  }

  private static void replace(Path f, byte[] content) throws IOException {
    if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(f + " is a directory");
    }
    Files.deleteIfExists(f); // removes a link itself, never its target
    Files.write(f, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
  }
}
