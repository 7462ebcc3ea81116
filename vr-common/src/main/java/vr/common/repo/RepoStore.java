package vr.common.repo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import vr.common.VrException;
import vr.common.fs.Trees;

/**
 * A shared, working-copy-free store of one repository: cloned on first use, fetched (never cloned again) later,
 * and read at an exact revision by exporting that revision's tree into a directory. Exporting instead of
 * checking out means concurrent readers never see a half-updated working copy and a build does not carry the
 * repository's history (the original copied the whole checkout, {@code .git} included, into the build).
 * git is driven by JGit ({@link GitStore}), Mercurial by the {@code hg} command ({@link HgStore}).
 */
public abstract sealed class RepoStore permits GitStore, HgStore {
  private final String url;
  private final String fragment;
  private final Path dir;

  RepoStore(String url, Path dir) {
    this.url = Repo.withoutFragment(url);
    this.fragment = Repo.fragment(url);
    this.dir = dir;
  }

  /**
   * The store of {@code url} (its {@code #fragment}, if any, is the default revision) in {@code dir}; git reaches
   * SSH URLs as {@code ssh} says (Mercurial runs its own {@code ssh} command).
   */
  public static RepoStore of(Repo.Vcs vcs, String url, Path dir, GitSsh ssh) {
    return vcs == Repo.Vcs.GIT ? new GitStore(url, dir, ssh) : new HgStore(url, dir);
  }

  /** {@link #of(Repo.Vcs, String, Path, GitSsh)} with SSH set up from {@code ~/.ssh}. */
  public static RepoStore of(Repo.Vcs vcs, String url, Path dir) {
    return of(vcs, url, dir, GitSsh.defaults());
  }

  /** The store of {@code url} in {@code dir}, its VCS told by {@link Repo#storeVcs}. */
  public static RepoStore of(String url, Path dir, GitSsh ssh) {
    return of(Repo.storeVcs(url, dir), url, dir, ssh);
  }

  /** {@link #of(String, Path, GitSsh)} with SSH set up from {@code ~/.ssh}. */
  public static RepoStore of(String url, Path dir) {
    return of(url, dir, GitSsh.defaults());
  }

  /** The repository's URL as fetched (without fragment). */
  public String url() {
    return url;
  }

  /** The URL's {@code #rev} fragment, or null. */
  public String fragment() {
    return fragment;
  }

  /** Where the store lives. */
  public Path dir() {
    return dir;
  }

  public abstract Repo.Vcs vcs();

  /** Clones the store on first use, fetches everything new otherwise. */
  public abstract void update();

  /** A one-line reason for a failure: the innermost message, as JGit wraps its causes. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        msg = t.getMessage();
      }
    }
    return msg == null ? e.getClass().getSimpleName() : msg.replaceAll("\\s+", " ").strip();
  }

  /**
   * The full revision id of {@code rev} (a tag, a branch, a full or short revision id); when {@code rev} is
   * null or blank, of the URL's fragment; without one, of the default branch (git: the remote's HEAD; hg:
   * {@code tip}).
   *
   * @throws VrException one line, when the store has no such revision
   */
  public final String resolve(String rev) {
    String r = rev != null && !rev.isBlank() ? rev.strip() : fragment;
    return resolveOrDefault(r);
  }

  /** The full id of {@code rev}, or of the default branch when null. */
  abstract String resolveOrDefault(String rev);

  /** Writes the tree of {@code revision} into {@code dest} (created; must not exist), modes and links kept. */
  public abstract void export(String revision, Path dest);

  /**
   * Makes the store by {@code clone} into a temporary sibling, then renames it into place, so that an
   * interrupted or failed clone never looks like a store and leaves nothing behind.
   */
  final void cloneBesideAndMove(Cloner clone) throws Exception {
    Files.createDirectories(dir.getParent());
    Path tmp = dir.resolveSibling("." + dir.getFileName() + ".clone-" + UUID.randomUUID());
    try {
      clone.into(tmp);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Trees.deleteQuietly(tmp);
    }
  }

  /** One way of cloning into a fresh directory. */
  @FunctionalInterface
  interface Cloner {
    void into(Path tmp) throws Exception;
  }
}
