package vr.common.fs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;
import vr.common.VrException;

/** The compression of a tarball, recognised by its magic bytes, else by its file name. */
enum Compression {
  GZIP(".tar.gz"),
  BZIP2(".tar.bz2"),
  XZ(".tar.xz"),
  NONE(".tar");

  /** Input buffer for the decompressors: big reads mean few syscalls. */
  static final int READ_BUFFER = 1 << 20;

  final String suffix;

  Compression(String suffix) {
    this.suffix = suffix;
  }

  /** Detects the compression of {@code file}, or fails with a one-line message when it is not a tarball. */
  static Compression detect(Path file) {
    byte[] head = new byte[512];
    int n;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(head);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // fill the header
      }
      n = b.position();
    } catch (IOException e) {
      throw new VrException("cannot read " + file + ": " + AtomicFiles.reason(e), e);
    }
    if (n == 0) {
      throw new VrException(file + " is empty, not a tar archive");
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      return BZIP2;
    }
    if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z' && head[5] == 0) {
      return XZ;
    }
    if (n == 512 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      return NONE;
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      return GZIP;
    }
    if (name.endsWith(".tar.bz2") || name.endsWith(".tbz2") || name.endsWith(".tbz")) {
      return BZIP2;
    }
    if (name.endsWith(".tar.xz") || name.endsWith(".txz")) {
      return XZ;
    }
    if (name.endsWith(".tar")) {
      return NONE;
    }
    throw new VrException(file + " is not a tar archive (expected .tar.gz, .tar.bz2 or .tar.xz)");
  }

  /** The decompressed stream over {@code raw}. */
  InputStream open(InputStream raw) throws IOException {
    return switch (this) {
      // GZIPInputStream reads straight from the file in 1 MiB chunks; it also accepts concatenated members (pigz).
      case GZIP -> new GZIPInputStream(raw, READ_BUFFER);
      case BZIP2 -> new BZip2CompressorInputStream(new BufferedInputStream(raw, READ_BUFFER), true);
      case XZ -> new XZInputStream(new BufferedInputStream(raw, READ_BUFFER));
      case NONE -> new BufferedInputStream(raw, READ_BUFFER);
    };
  }
}
