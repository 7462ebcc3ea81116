package vr.common.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import vr.common.VrException;
import vr.common.cli.Progress;

/**
 * Writes a directory tree as a tar stream: names relative to the directory in sorted order (so the same tree
 * gives the same archive), symlinks as links, hard links once, device nodes and fifos as such, numeric
 * owners, modes and mtimes kept. Sockets are skipped (they cannot be recreated from an archive).
 */
final class Packer {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final int BUFFER = 1 << 20;

  private final Path dir;
  private final TarArchiveOutputStream tar;
  private final Progress progress;
  private final Map<String, String> hardLinks = new HashMap<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

  Packer(Path dir, OutputStream out, Progress progress) {
    this.dir = dir;
    this.progress = progress;
    this.tar = new TarArchiveOutputStream(out, 10240);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  /** Writes everything below {@code dir} and finishes the tar stream (the caller closes the output). */
  void pack() throws IOException {
    add(dir, "");
    tar.finish();
    tar.flush();
  }

  private void add(Path p, String name) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,dev,nlink,size,lastModifiedTime,rdev", NOFOLLOW);
    int mode = (Integer) a.get("mode");
    int type = mode & 0170000;
    int perms = mode & 07777;
    FileTime mtime = (FileTime) a.get("lastModifiedTime");
    TarArchiveEntry e;
    switch (type) {
      case 0040000 -> {
        e = new TarArchiveEntry(name.isEmpty() ? "./" : name + "/", TarConstants.LF_DIR);
      }
      case 0120000 -> {
        e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(Files.readSymbolicLink(p).toString());
      }
      case 0100000 -> {
        int nlink = (Integer) a.get("nlink");
        String key = nlink > 1 ? a.get("dev") + ":" + a.get("ino") : null;
        String first = key == null ? null : hardLinks.putIfAbsent(key, name);
        if (first != null) {
          e = new TarArchiveEntry(name, TarConstants.LF_LINK);
          e.setLinkName(first);
        } else {
          e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
          e.setSize((Long) a.get("size"));
        }
      }
      case 0020000, 0060000 -> {
        e = new TarArchiveEntry(name, type == 0020000 ? TarConstants.LF_CHR : TarConstants.LF_BLK);
        long rdev = (Long) a.get("rdev");
        e.setDevMajor((int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)));
        e.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL)));
      }
      case 0010000 -> e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
      default -> {
        return; // sockets
      }
    }
    e.setMode(perms);
    e.setIds((Integer) a.get("uid"), (Integer) a.get("gid"));
    e.setModTime(mtime);
    tar.putArchiveEntry(e);
    if (type == 0100000 && !e.isLink()) {
      copy(p, e.getSize(), name);
    }
    tar.closeArchiveEntry();
    if (type == 0040000) {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        ds.forEach(children::add);
      }
      children.sort(null);
      for (Path c : children) {
        add(c, name.isEmpty() ? c.getFileName().toString() : name + "/" + c.getFileName());
      }
    }
  }

  private void copy(Path p, long size, String name) throws IOException {
    long left = size;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      while (left > 0) {
        buffer.clear();
        if (left < BUFFER) {
          buffer.limit((int) left);
        }
        int n = ch.read(buffer);
        if (n < 0) {
          throw new VrException(dir.resolve(name) + " shrank while it was being packed");
        }
        tar.write(buffer.array(), 0, n);
        left -= n;
        progress.advance(n);
      }
    }
  }
}
