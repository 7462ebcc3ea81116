package vr.builder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import vr.common.VrException;
import vr.common.fs.Trees;

/**
 * Applies an app's {@code .slugignore} after compile and before packing, as the original did: one glob per
 * line, relative to the app's root, each path segment matched like a shell glob ({@code *}, {@code ?},
 * {@code [...]}; a segment matches a dot-file only when it starts with a dot); matches are deleted,
 * directories with their contents. Blank lines and lines starting with {@code #} are skipped. Nothing
 * outside the app is ever touched: {@code ..} segments are ignored and links are removed, not followed.
 */
final class SlugIgnore {
  private SlugIgnore() {}

  /** Deletes what {@code root/.slugignore} names; returns the number of paths removed. */
  static int apply(Path root) {
    Path file = root.resolve(".slugignore");
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int removed = 0;
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String pattern = line.strip();
        if (pattern.isEmpty() || pattern.startsWith("#")) {
          continue;
        }
        for (Path match : matches(root, pattern)) {
          Trees.delete(match);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new VrException("cannot apply .slugignore: " + e.getMessage(), e);
    }
    return removed;
  }

  static List<Path> matches(Path root, String pattern) throws IOException {
    List<Path> current = List.of(root);
    for (String seg : pattern.split("/+")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        return List.of();
      }
      List<Path> next = new ArrayList<>();
      boolean literal = !seg.matches(".*[*?\\[].*");
      for (Path dir : current) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (literal) {
          Path p = dir.resolve(seg);
          if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            next.add(p);
          }
          continue;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + seg.replace("{", "\\{").replace("}", "\\}"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
          for (Path p : ds) {
            Path name = p.getFileName();
            if (name.toString().startsWith(".") && !seg.startsWith(".")) {
              continue;
            }
            if (m.matches(name)) {
              next.add(p);
            }
          }
        }
      }
      current = next;
    }
    return current.size() == 1 && current.get(0).equals(root) ? List.of() : current;
  }
}
