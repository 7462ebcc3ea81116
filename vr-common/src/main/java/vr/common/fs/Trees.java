package vr.common.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import vr.common.VrException;

/**
 * Directory-tree chores for build and proc directories: copy keeping links and modes, delete (also trees an
 * unprivileged build left without write permission), change owners and modes. Never follows symlinks, so a
 * link in an app cannot lead any of these outside the tree.
 */
public final class Trees {
  private Trees() {}

  /** Copies {@code src} to {@code dest} (which must not exist): symlinks as links, modes kept. */
  public static void copy(Path src, Path dest) throws IOException {
    Files.walkFileTree(src, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        Path t = dest.resolve(src.relativize(d).toString());
        Files.copy(d, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        Path t = dest.resolve(src.relativize(f).toString());
        Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /**
   * Deletes {@code root} and everything under it; nothing to do when it does not exist. A symlink is deleted as
   * a link (when {@code root} is one, only the link goes). Entries that vanish meanwhile are no failure: a
   * shutdown hook or a second clean-up may be removing the same tree.
   */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(root);
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
        // A build running as nobody may leave directories without write or search permission for us.
        d.toFile().setWritable(true, true);
        d.toFile().setExecutable(true, true);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        Files.deleteIfExists(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** {@link #delete} for callers that report a failure to the user: a {@link VrException} naming the tree. */
  public static void deleteOrFail(Path root) {
    try {
      delete(root);
    } catch (IOException e) {
      throw new VrException("cannot delete " + root + ": " + AtomicFiles.reason(e), e);
    }
  }

  /** {@link #delete} for clean-up paths, where a failure must not hide the error being handled. */
  public static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException e) {
      // best effort: scratch space that could not be removed is reported by the caller's next failure, if any
    }
  }

  /** {@code chown -hR uid:gid root}. */
  public static void chown(Path root, Owner owner) throws IOException {
    int uid = owner.uid();
    int gid = owner.gid();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        set(d);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        set(f);
        return FileVisitResult.CONTINUE;
      }

      private void set(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
    });
  }

  /** {@code chmod -R a+rwX}: buildpacks may write into their own directory (the original's issue #178). */
  public static void openUp(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        add(d, true);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        if (a.isRegularFile()) {
          Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
          add(f, p.contains(PosixFilePermission.OWNER_EXECUTE));
        }
        return FileVisitResult.CONTINUE;
      }

      private void add(Path p, boolean exec) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        perms.addAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE));
        if (exec) {
          perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(p, perms);
      }
    });
  }
}
