package vr.common.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import vr.common.InputException;

/**
 * Reading from a tree that an untrusted party made, such as an unpacked build: a name inside it is looked up
 * the way the container that mounts the tree would, and never leads out of it. A relative symbolic link that
 * stays inside is followed; an absolute one, or one whose {@code ..} climbs above the tree, is refused (the
 * original read {@code Procfile -> /etc/shadow} from the host). Only regular files are read, and only up to
 * a size (a fifo hung the reader, {@code /dev/zero} exhausted its memory). A proc owns its app folder while
 * it runs, so listings open each folder without following links, and a link swapped in meanwhile fails the
 * call instead of being followed.
 */
public final class Inside {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  /** As the kernel's limit on links followed in one lookup. */
  private static final int MAX_LINKS = 40;

  private Inside() {}

  /**
   * The path of {@code relative} inside {@code root} with every symbolic link resolved, which may not exist;
   * throws an {@link InputException} naming {@code relative} when a link leads out of {@code root}.
   */
  public static Path resolve(Path root, String relative) {
    return root.resolve(String.join("/", components(root, relative)));
  }

  /**
   * The text of regular file {@code relative} inside {@code root} (UTF-8), or null when there is none;
   * an {@link InputException} when it leads out of the tree, is no regular file or is larger than
   * {@code maxBytes}.
   */
  public static String readText(Path root, String relative, int maxBytes) {
    try (InputStream in = open(root, relative)) {
      if (in == null) {
        return null;
      }
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        throw new InputException(relative + ": larger than " + maxBytes + " bytes");
      }
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(relative + ": cannot read: " + AtomicFiles.reason(e));
    }
  }

  /**
   * Regular file {@code relative} inside {@code root}, open for reading, or null when there is none; an
   * {@link InputException} when it leads out of the tree or is no regular file (a fifo is never opened).
   */
  public static InputStream open(Path root, String relative) {
    Path p = resolve(root, relative);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new InputException(relative + ": cannot read: " + AtomicFiles.reason(e));
    }
    if (!a.isRegularFile()) {
      throw new InputException(relative + ": not a regular file");
    }
    try {
      // O_NOFOLLOW: what was checked above is what is read, or the open fails.
      SeekableByteChannel ch = Files.newByteChannel(p, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
      return java.nio.channels.Channels.newInputStream(ch);
    } catch (IOException e) {
      throw new InputException(relative + ": cannot read: " + AtomicFiles.reason(e));
    }
  }

  /**
   * The names in directory {@code relative} inside {@code root}, or null when it does not exist or is no
   * directory. Each folder on the way is opened without following links.
   */
  public static List<String> list(Path root, String relative) {
    List<String> parts = components(root, relative);
    try (DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
      if (!(top instanceof SecureDirectoryStream<Path> dir)) {
        return listPlain(resolve(root, relative));
      }
      return listSecure(dir, parts, 0);
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return null;
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().contains("Not a directory")) {
        return null;
      }
      throw new InputException(relative + ": cannot list: " + AtomicFiles.reason(e));
    } catch (IOException e) {
      throw new InputException(relative + ": cannot list: " + AtomicFiles.reason(e));
    }
  }

  private static List<String> listSecure(SecureDirectoryStream<Path> dir, List<String> parts, int i) throws IOException {
    if (i == parts.size()) {
      List<String> names = new ArrayList<>();
      for (Path p : dir) {
        names.add(p.getFileName().toString());
      }
      return names;
    }
    try (SecureDirectoryStream<Path> next = dir.newDirectoryStream(Path.of(parts.get(i)), LinkOption.NOFOLLOW_LINKS)) {
      return listSecure(next, parts, i + 1);
    }
  }

  private static List<String> listPlain(Path dir) throws IOException {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      return null;
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    return names;
  }

  /** The components of {@code relative} after resolving links, each a real entry below {@code root}. */
  private static List<String> components(Path root, String relative) {
    Deque<String> todo = new ArrayDeque<>(split(relative));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (done.isEmpty()) {
          throw new InputException(relative + ": leads out of " + root.getFileName());
        }
        done.remove(done.size() - 1);
        continue;
      }
      Path p = root.resolve(String.join("/", done)).resolve(c);
      if (!Files.isSymbolicLink(p)) {
        done.add(c);
        continue;
      }
      if (++links > MAX_LINKS) {
        throw new InputException(relative + ": too many levels of symbolic links");
      }
      String target;
      try {
        target = Files.readSymbolicLink(p).toString();
      } catch (IOException e) {
        throw new InputException(relative + ": cannot read link: " + AtomicFiles.reason(e));
      }
      if (target.startsWith("/")) {
        throw new InputException(relative + ": a symbolic link out of " + root.getFileName() + " (to an absolute path)");
      }
      List<String> t = split(target);
      for (int k = t.size() - 1; k >= 0; k--) {
        todo.push(t.get(k));
      }
    }
    return done;
  }

  private static List<String> split(String s) {
    return List.of(s.split("/", -1));
  }
}
