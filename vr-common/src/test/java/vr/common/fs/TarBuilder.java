package vr.common.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Builds test tarballs entry by entry, including the hostile ones a safe extractor must refuse. */
final class TarBuilder {
  static final FileTime T1 = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
  static final FileTime T2 = FileTime.from(Instant.parse("2011-12-13T14:15:16Z"));

  private record Item(TarArchiveEntry entry, byte[] data) {}

  private final List<Item> items = new ArrayList<>();

  TarBuilder dir(String name, int mode, FileTime mtime) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
    e.setMode(mode);
    e.setModTime(mtime);
    items.add(new Item(e, null));
    return this;
  }

  TarBuilder file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, T1);
  }

  TarBuilder file(String name, byte[] content, int mode, FileTime mtime) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
    e.setSize(content.length);
    e.setMode(mode);
    e.setModTime(mtime);
    items.add(new Item(e, content));
    return this;
  }

  TarBuilder owned(int uid, int gid) {
    TarArchiveEntry e = items.get(items.size() - 1).entry;
    e.setIds(uid, gid);
    return this;
  }

  TarBuilder symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    e.setModTime(T2);
    items.add(new Item(e, null));
    return this;
  }

  TarBuilder hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    items.add(new Item(e, null));
    return this;
  }

  TarBuilder device(String name, byte type, int major, int minor, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    e.setMode(mode);
    e.setModTime(T1);
    items.add(new Item(e, null));
    return this;
  }

  Path gz(Path out) throws IOException {
    try (OutputStream o = new GzipCompressorOutputStream(Files.newOutputStream(out))) {
      write(o);
    }
    return out;
  }

  Path bz2(Path out) throws IOException {
    try (OutputStream o = new BZip2CompressorOutputStream(Files.newOutputStream(out))) {
      write(o);
    }
    return out;
  }

  Path xz(Path out) throws IOException {
    try (OutputStream o = new XZCompressorOutputStream(Files.newOutputStream(out))) {
      write(o);
    }
    return out;
  }

  Path plain(Path out) throws IOException {
    try (OutputStream o = Files.newOutputStream(out)) {
      write(o);
    }
    return out;
  }

  private void write(OutputStream o) throws IOException {
    TarArchiveOutputStream t = new TarArchiveOutputStream(o);
    t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Item i : items) {
      t.putArchiveEntry(i.entry);
      if (i.data != null) {
        t.write(i.data);
      }
      t.closeArchiveEntry();
    }
    t.finish();
  }
}
