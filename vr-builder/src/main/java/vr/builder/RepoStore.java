package vr.builder;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A shared, working-copy-free store of one repository under the builder's home: cloned on first use, fetched
 * (never cloned again) on later builds, and exported at an exact revision into a build's scratch directory.
 * Exporting instead of checking out means concurrent readers never see a half-updated working copy and the
 * build does not carry the repository's history (the original copied the whole checkout, {@code .git}
 * included, into the build).
 */
public sealed interface RepoStore permits GitStore, HgStore {

  /** The store for {@code url} ({@code git} or {@code hg}) in {@code dir}. */
  static RepoStore of(String type, String url, Path dir) {
    return switch (type) {
      case "git" -> new GitStore(url, dir);
      case "hg" -> new HgStore(url, dir);
      default -> throw new IllegalArgumentException("unknown repository type " + type);
    };
  }

  /**
   * The type of a buildpack URL, which has no type key: {@code hg} for an {@code hg+} prefix, a local
   * Mercurial repository or an existing hg store; {@code git} otherwise.
   */
  static String guessType(String url, Path dir) {
    String u = BuilderHome.withoutFragment(url);
    if (u.startsWith("hg+")) {
      return "hg";
    }
    String local = u.startsWith("file://") ? u.substring("file://".length()) : u;
    if (local.startsWith("/") && Files.isDirectory(Path.of(local, ".hg"))) {
      return "hg";
    }
    if (Files.isDirectory(dir.resolve(".hg"))) {
      return "hg";
    }
    return "git";
  }

  /** The repository's URL as given (without fragment). */
  String url();

  /** Clones the store on first use, fetches everything new otherwise. */
  void update();

  /** The full revision id of {@code rev} (a tag, branch or revision; null for the default branch). */
  String resolve(String rev);

  /** Writes the tree of {@code revision} into {@code dest} (created; must not exist), modes and links kept. */
  void export(String revision, Path dest);
}
