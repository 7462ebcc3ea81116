package vr.common.fs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import vr.common.VrException;

/**
 * Writes files so that a reader sees the old content or the new one, never a half-written file, even after a
 * crash: temp file beside the target (owner-only until complete), write, fsync, set permissions, rename over the
 * target, fsync the directory. The suite's one helper for it.
 */
public final class AtomicFiles {
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private AtomicFiles() {}

  /** Writes {@code bytes} to {@code file} atomically and durably, with mode 0644. */
  public static void write(Path file, byte[] bytes) {
    write(file, bytes, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** Writes {@code bytes} to {@code file} atomically and durably with the given permissions (exact: the umask does not apply). */
  public static void write(Path file, byte[] bytes, Set<PosixFilePermission> permissions) {
    write(file, new ByteArrayInputStream(bytes), permissions, true);
  }

  /**
   * Writes what {@code content} holds to {@code file}: into a temp file beside it, created readable by its
   * owner only (a secret is never readable by others, not even while it is written), given
   * {@code permissions} when complete (exact; null keeps owner-only), then renamed over {@code file}.
   * {@code durable} also fsyncs the file and the directory, so the new content survives a crash; files made
   * again on every start (a container's config, a prepared start's record) skip that cost, since a reader
   * that finds them stale or torn after a crash makes them again.
   */
  public static void write(Path file, InputStream content, Set<PosixFilePermission> permissions, boolean durable) {
    Path tmp = tempBeside(file);
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          OWNER_ONLY)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = content.read(buf)) >= 0; ) {
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            ch.write(b);
          }
        }
        if (durable) {
          ch.force(true);
        }
      }
      if (permissions != null) {
        Files.setPosixFilePermissions(tmp, permissions);
      }
      if (durable) {
        moveIntoPlace(tmp, file);
      } else {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new VrException("cannot write " + file + ": " + reason(e), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** Writes UTF-8 text atomically and durably, mode 0644. */
  public static void writeString(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes UTF-8 text atomically and durably with the given permissions, e.g. {@code PosixFilePermissions.fromString("rwxr-xr-x")}. */
  public static void writeString(Path file, String text, Set<PosixFilePermission> permissions) {
    write(file, text.getBytes(StandardCharsets.UTF_8), permissions);
  }

  /** As {@link #write(Path, InputStream, Set, boolean)} for UTF-8 text. */
  public static void writeString(Path file, String text, Set<PosixFilePermission> permissions, boolean durable) {
    write(file, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), permissions, durable);
  }

  /** A fresh name beside {@code target} (same directory, so a rename is atomic), not yet created. */
  public static Path tempBeside(Path target) {
    Path abs = target.toAbsolutePath();
    String name = "." + abs.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    return abs.resolveSibling(name);
  }

  /** Renames {@code tmp} over {@code target} atomically and fsyncs the directory so the rename survives a crash. */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + tmp + " to " + target + " atomically", e);
    }
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /** Flushes a directory's entries to disk (Linux allows fsync on a directory opened read-only). */
  public static void fsyncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some filesystems refuse fsync on directories; the rename itself has happened
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // nothing more to do
    }
  }

  /** A short reason for an I/O failure, without the JDK's exception class noise. */
  public static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f) {
      String why = f.getReason();
      if (why == null) {
        why = switch (e.getClass().getSimpleName()) {
          case "NoSuchFileException" -> "no such file or directory";
          case "AccessDeniedException" -> "permission denied";
          case "FileAlreadyExistsException" -> "already exists";
          case "DirectoryNotEmptyException" -> "directory not empty";
          case "NotDirectoryException" -> "not a directory";
          case "NotLinkException" -> "not a symbolic link";
          default -> e.getClass().getSimpleName();
        };
      }
      return (f.getFile() != null ? f.getFile() + ": " : "") + why;
    }
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
  }
}
