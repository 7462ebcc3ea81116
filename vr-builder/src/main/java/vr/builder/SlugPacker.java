package vr.builder;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import vr.common.model.Hashing;

/**
 * Packs the compiled app into a tar.gz with paths relative to the app's root (no leading {@code ./}, as the
 * original's {@code arcname=''}): directories, regular files and symlinks with their modes and owners.
 */
final class SlugPacker {
  private SlugPacker() {}

  /** Writes {@code dir} as a tar.gz to {@code out} and returns the md5 of the written file. */
  static String pack(Path dir, Path out) throws IOException {
    MessageDigest md5 = Hashing.md5();
    GzipParameters gz = new GzipParameters();
    gz.setCompressionLevel(6);
    try (OutputStream file = Files.newOutputStream(out);
        DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), md5);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(digest, gz);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, 1 << 16)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          if (!d.equals(dir)) {
            add(tar, dir, d, null);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          if (a.isSymbolicLink()) {
            add(tar, dir, f, Files.readSymbolicLink(f).toString());
          } else if (a.isRegularFile()) {
            add(tar, dir, f, null);
          }
          // sockets, fifos and devices have no place in a build
          return FileVisitResult.CONTINUE;
        }
      });
      tar.finish();
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  private static void add(TarArchiveOutputStream tar, Path root, Path p, String linkTarget) throws IOException {
    String name = root.relativize(p).toString();
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    TarArchiveEntry e;
    if (linkTarget != null) {
      e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(linkTarget);
    } else if (a.isDirectory()) {
      e = new TarArchiveEntry(name + "/");
    } else {
      e = new TarArchiveEntry(name);
      e.setSize(a.size());
    }
    e.setMode((a.isDirectory() ? 040000 : linkTarget != null ? 0120000 : 0100000) | mode(a.permissions()));
    e.setModTime(a.lastModifiedTime().toMillis());
    e.setUserId(((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue());
    e.setGroupId(((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue());
    tar.putArchiveEntry(e);
    if (a.isRegularFile()) {
      try (InputStream in = Files.newInputStream(p)) {
        in.transferTo(tar);
      }
    }
    tar.closeArchiveEntry();
  }

  static int mode(Set<PosixFilePermission> perms) {
    int m = 0;
    for (PosixFilePermission p : perms) {
      m |= 1 << (8 - p.ordinal());
    }
    return m;
  }
}
