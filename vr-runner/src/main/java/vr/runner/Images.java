package vr.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.fs.Archives;
import vr.common.fs.Downloads;
import vr.common.fs.FileLock;
import vr.common.fs.Trees;
import vr.common.fs.VrPaths;

/**
 * Stack images on this host: each is downloaded and unpacked once into {@code images/<name>/contents} and
 * shared read-only by every proc on it. Concurrent setups of the same image take turns on a lock file;
 * the unpack is renamed into place only when complete, so nobody ever sees half an image.
 */
public final class Images {
  /** A big image on a slow link can take a while; other setups wait this long for it. */
  static final Duration WAIT = Duration.ofMinutes(30);

  private Images() {}

  /** The unpacked image, fetched and unpacked first when missing. */
  public static Path ensure(VrPaths paths, String name, String url, String md5, Progress progress) {
    Path contents = paths.imageContents(name);
    if (Files.isDirectory(contents)) {
      return contents;
    }
    if (url == null) {
      throw new VrException("image " + name + " is not on this host and proc.yaml has no image_url");
    }
    Path dir = paths.image(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new VrException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    try (FileLock lock = FileLock.exclusive(dir.resolve(".lock"), WAIT)) {
      if (!Files.isDirectory(contents)) {
        Path tarball = dir.resolve(VrPaths.basename(url));
        Downloads.ensure(url, tarball, md5, progress);
        Path staged = dir.resolve(".contents.new");
        deleteQuietly(staged);
        Archives.extract(tarball, staged, null, progress);
        plainResolvConf(staged);
        try {
          Files.move(staged, contents, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new VrException("cannot install image " + name + ": " + e.getMessage(), e);
        }
      }
    }
    return contents;
  }

  /**
   * The host's resolv.conf is bind-mounted over the image's, which therefore has to be a plain file: a symlink
   * (e.g. to systemd-resolved's) would point the mount elsewhere. The original emptied it the same way.
   */
  static void plainResolvConf(Path contents) {
    Path f = contents.resolve("etc/resolv.conf");
    try {
      if (Files.isSymbolicLink(f)) {
        Files.delete(f);
        Files.createFile(f);
      } else if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(contents.resolve("etc"))) {
        Files.createFile(f);
      }
    } catch (IOException e) {
      throw new VrException("cannot prepare " + f + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path p) {
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      Trees.deleteOrFail(p);
    }
  }
}
