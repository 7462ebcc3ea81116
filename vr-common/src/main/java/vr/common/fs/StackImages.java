package vr.common.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import vr.common.VrException;
import vr.common.cli.Progress;

/**
 * The stack image cache of a host, shared by vrun (procs), vbuild (its build container) and vimage (base
 * images). Stack images on this host: each is downloaded and unpacked once into {@code images/<name>/contents} and
 * shared read-only by every proc on it. Concurrent setups of the same image take turns on a lock file;
 * the unpack is renamed into place only when complete, so nobody ever sees half an image.
 */
public final class StackImages {
  /** A big image on a slow link can take a while; other setups wait this long for it. */
  static final Duration WAIT = Duration.ofMinutes(30);

  private StackImages() {}

  /**
   * The lock on {@code images/<name>/}, taken by everyone who fetches or unpacks that image: setups of procs,
   * builds (which set up their container the same way) and {@code vimage} fetching a base image.
   */
  public static FileLock lock(VrPaths paths, String name) {
    Path dir = paths.image(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new VrException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return FileLock.exclusive(dir.resolve(".lock"), WAIT);
  }

  /**
   * The image's tarball in {@code images/<name>/<file name of url>}, fetched when missing or when its md5
   * differs, under {@link #lock}.
   */
  public static Downloads.Outcome tarball(VrPaths paths, String name, String url, Path cached, String md5,
      Progress progress) {
    try (FileLock lock = lock(paths, name)) {
      return Downloads.ensure(url, cached, md5, progress);
    }
  }

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
    try (FileLock lock = lock(paths, name)) {
      if (!Files.isDirectory(contents)) {
        Path tarball = dir.resolve(VrPaths.basename(url));
        Downloads.ensure(url, tarball, md5, progress);
        Path staged = dir.resolve(".contents.new");
        deleteQuietly(staged);
        boolean ok = false;
        try {
          Archives.extract(tarball, staged, null, progress);
          plainEtcFiles(staged, name);
          Files.move(staged, contents, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          ok = true;
        } catch (IOException e) {
          throw new VrException("cannot install image " + name + ": " + e.getMessage(), e);
        } finally {
          if (!ok) {
            deleteQuietly(staged);
          }
        }
      }
    }
    return contents;
  }

  /**
   * The host's resolv.conf and hosts are bind-mounted over the image's, which therefore have to be plain files:
   * a symlink (e.g. to systemd-resolved's) would point the mount elsewhere. The original emptied resolv.conf the
   * same way. The image is untrusted: its {@code etc} must be a directory of its own, not a link that would
   * make these writes land in a directory of the host.
   */
  public static void plainEtcFiles(Path contents, String name) {
    Path etc = contents.resolve("etc");
    if (Files.isSymbolicLink(etc) || (Files.exists(etc, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS))) {
      throw new VrException("cannot install image " + name + ": its /etc is not a directory (a symbolic link or a file)");
    }
    if (!Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS)) {
      return; // LXC creates the mount points in the proc's own layer
    }
    for (String file : new String[] {"resolv.conf", "hosts"}) {
      Path f = etc.resolve(file);
      try {
        if (Files.isSymbolicLink(f)) {
          Files.delete(f); // the link itself, never its target
          Files.createFile(f);
        } else if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
          Files.createFile(f);
        }
      } catch (IOException e) {
        throw new VrException("cannot prepare /etc/" + file + " in image " + name + ": " + e.getMessage(), e);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      Trees.deleteOrFail(p);
    }
  }
}
