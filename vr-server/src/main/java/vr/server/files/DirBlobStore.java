package vr.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import vr.common.fs.AtomicFiles;

/**
 * The default blob store, for a single server process: {@code <data-dir>/blobs/<k0k1>/<key>} holds the bytes and
 * {@code <key>.md5} beside it the md5 (so that a stat does not read the whole file again). A put streams into
 * {@code blobs/tmp/}, fsyncs, writes the md5 file, then renames the bytes into place and fsyncs the directory: the
 * blob is present exactly when its bytes file is, and that file is complete. Two puts of the same content rename
 * the same bytes over each other, which is harmless.
 */
public final class DirBlobStore implements BlobStore {
  private static final int BUFFER = 1 << 20;

  private final Path root;
  private final Path tmp;

  /** {@code root} is {@code <data-dir>/blobs}; it is created when missing. */
  public DirBlobStore(Path root) {
    this.root = root.toAbsolutePath();
    this.tmp = this.root.resolve("tmp");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new BlobStoreException("cannot create " + tmp + ": " + AtomicFiles.reason(e), e);
    }
  }

  @Override
  public Blob put(InputStream in, String expectedMd5OrNull, long maxBytes) {
    String expected = BlobStore.normalizeMd5(expectedMd5OrNull);
    Path part = tmp.resolve(UUID.randomUUID() + ".part");
    try {
      Digests d = new Digests(maxBytes);
      try (FileChannel out = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
          d.update(buf, 0, n);
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            out.write(b);
          }
        }
        out.force(true);
      }
      Blob blob = d.finish(expected);
      Path data = data(blob.key());
      Files.createDirectories(data.getParent());
      // The md5 file first: whenever the bytes are present, so is their md5.
      AtomicFiles.writeString(md5File(blob.key()), blob.md5() + "\n");
      AtomicFiles.moveIntoPlace(part, data);
      return blob;
    } catch (IOException e) {
      deleteQuietly(part);
      throw new BlobStoreException("cannot store a blob: " + AtomicFiles.reason(e), e);
    } catch (RuntimeException e) {
      deleteQuietly(part);
      throw e;
    }
  }

  @Override
  public InputStream open(String key, long offset) {
    Path data = existing(key);
    try {
      FileChannel ch = FileChannel.open(data, StandardOpenOption.READ);
      if (offset < 0 || offset > ch.size()) {
        ch.close();
        throw new IllegalArgumentException("offset " + offset + " is outside blob " + key);
      }
      ch.position(offset);
      return Channels.newInputStream(ch);
    } catch (NoSuchFileException e) {
      throw new BlobStoreException.NotFound(key);
    } catch (IOException e) {
      throw new BlobStoreException("cannot read blob " + key + ": " + AtomicFiles.reason(e), e);
    }
  }

  @Override
  public Optional<Blob> stat(String key) {
    if (!BlobStore.isKey(key)) {
      return Optional.empty();
    }
    Path data = data(key);
    try {
      long size = Files.size(data);
      return Optional.of(new Blob(key, md5(key, data), key, size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new BlobStoreException("cannot read blob " + key + ": " + AtomicFiles.reason(e), e);
    }
  }

  @Override
  public boolean delete(String key) {
    if (!BlobStore.isKey(key)) {
      return false;
    }
    try {
      boolean had = Files.deleteIfExists(data(key));
      Files.deleteIfExists(md5File(key));
      return had;
    } catch (IOException e) {
      throw new BlobStoreException("cannot delete blob " + key + ": " + AtomicFiles.reason(e), e);
    }
  }

  /** Removes what interrupted puts left in {@code tmp/} (a crash mid-upload) older than {@code age}; returns how many. */
  public int sweep(Duration age) {
    FileTime cutoff = FileTime.from(Instant.now().minus(age));
    int n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp, "*.part")) {
      for (Path p : s) {
        if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0 && Files.deleteIfExists(p)) {
          n++;
        }
      }
    } catch (IOException e) {
      throw new BlobStoreException("cannot sweep " + tmp + ": " + AtomicFiles.reason(e), e);
    }
    return n;
  }

  /** The file holding a blob's bytes (for a test, or a future sendfile path). */
  Path data(String key) {
    return root.resolve(key.substring(0, 2)).resolve(key);
  }

  private Path md5File(String key) {
    return root.resolve(key.substring(0, 2)).resolve(key + ".md5");
  }

  private Path existing(String key) {
    if (!BlobStore.isKey(key)) {
      throw new BlobStoreException.NotFound(String.valueOf(key));
    }
    return data(key);
  }

  /** The stored md5; recomputed (and stored again) if a delete racing a put removed the md5 file. */
  private String md5(String key, Path data) throws IOException {
    Path f = md5File(key);
    try {
      String m = Files.readString(f, StandardCharsets.US_ASCII).strip();
      if (MD5.matcher(m).matches()) {
        return m;
      }
    } catch (NoSuchFileException e) {
      // fall through
    }
    Digests d = new Digests(Long.MAX_VALUE);
    try (InputStream in = Files.newInputStream(data)) {
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    String m = d.finish(null).md5();
    AtomicFiles.writeString(f, m + "\n");
    return m;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // the sweep removes it later
    }
  }
}
