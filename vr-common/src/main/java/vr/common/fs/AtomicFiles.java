package vr.common.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import vr.common.VrException;

/**
 * Writes files so that a reader sees the old content or the new one, never a half-written file, even after a
 * crash: temp file beside the target, write, fsync, set permissions, rename over the target, fsync the directory.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code bytes} to {@code file} atomically, with mode 0644. */
  public static void write(Path file, byte[] bytes) {
    write(file, bytes, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** Writes {@code bytes} to {@code file} atomically with the given permissions (exact: the umask does not apply). */
  public static void write(Path file, byte[] bytes, Set<PosixFilePermission> permissions) {
    Path tmp = tempBeside(file);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (permissions != null) {
        Files.setPosixFilePermissions(tmp, permissions);
      }
      moveIntoPlace(tmp, file);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new VrException("cannot write " + file + ": " + reason(e), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** Writes UTF-8 text atomically, mode 0644. */
  public static void writeString(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes UTF-8 text atomically with the given permissions, e.g. {@code PosixFilePermissions.fromString("rwxr-xr-x")}. */
  public static void writeString(Path file, String text, Set<PosixFilePermission> permissions) {
    write(file, text.getBytes(StandardCharsets.UTF_8), permissions);
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
