package vr.common.repo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.exec.Exec;
import vr.common.fs.Trees;

/**
 * A working copy of a buildpack or app repository: git through JGit, Mercurial through the {@code hg} command.
 * {@link #update} clones when the folder is missing and otherwise fetches (it never re-clones), then checks out
 * the requested revision: a tag, a branch (its remote head, even after a force-push), a full or short commit
 * id, or the {@code url#rev} fragment; the remote's default branch (git) or {@code tip} (hg) when none.
 *
 * <p>Differences from the original, on purpose: the git default is the remote's HEAD branch rather than a fixed
 * {@code master}; a branch is reset to its remote head even when it diverged; a failed clone leaves no folder.
 */
public final class Repo {
  /** The version control systems the suite works with. */
  public enum Vcs { GIT, HG }

  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://([^/]*)(.*)$");
  private static final Pattern SCP_LIKE = Pattern.compile("^[^/@:]+@([^/:]+):.*$");
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final Path folder;
  private final String url;
  private final String fragment;
  private final Vcs vcs;

  /**
   * A repository at {@code folder}, cloned from {@code url} (may carry a {@code #rev} fragment; may be null
   * when the folder exists). The VCS is {@code vcs}, else what the folder holds, else guessed from the URL.
   *
   * @throws InputException when the VCS cannot be told
   */
  public Repo(Path folder, String url, Vcs vcs) {
    this.folder = folder.toAbsolutePath().normalize();
    String u = url == null ? null : url.strip();
    String frag = null;
    if (u != null) {
      int hash = u.indexOf('#');
      if (hash >= 0) {
        frag = u.substring(hash + 1);
        u = u.substring(0, hash);
      }
      while (u.endsWith("/") && u.length() > 1) {
        u = u.substring(0, u.length() - 1);
      }
    }
    this.url = u;
    this.fragment = frag == null || frag.isEmpty() ? null : frag;
    Vcs v = vcs;
    if (v == null) {
      v = folderVcs(this.folder).orElse(null);
    }
    if (v == null && u != null) {
      v = guessVcs(u).orElse(null);
    }
    if (v == null) {
      throw new InputException("cannot tell whether " + (u != null ? u : this.folder.toString())
          + " is a git or a Mercurial repository (name it with a .git suffix or give the type)");
    }
    this.vcs = v;
  }

  /** Clones or updates {@code folder} from {@code url} and checks out {@code rev} (null: fragment, else default). */
  public static Repo update(String url, Path folder, String rev) {
    Repo r = new Repo(folder, url, null);
    r.update(rev);
    return r;
  }

  public Path folder() {
    return folder;
  }

  /** The URL without fragment and trailing slash. */
  public String url() {
    return url;
  }

  /** The {@code #rev} part of the URL, or null. */
  public String fragment() {
    return fragment;
  }

  public Vcs vcs() {
    return vcs;
  }

  /**
   * Clones when the folder is missing, else fetches; then checks out {@code rev}, the URL fragment when rev is
   * null, or the default branch ({@code tip} for hg).
   *
   * @throws VrException one line, for an unknown revision or an unreachable repository
   */
  public void update(String rev) {
    String r = rev != null && !rev.isBlank() ? rev.strip() : fragment;
    if (vcs == Vcs.GIT) {
      Git.update(this, r);
    } else {
      Hg.update(this, r);
    }
  }

  /** The checked-out revision: the full sha for git, {@code hg identify -i} (without a trailing {@code +}) for hg. */
  public String revision() {
    return vcs == Vcs.GIT ? Git.revision(this) : Hg.revision(this);
  }

  /**
   * The reference's {@code basename(url)}: whitespace stripped, {@code #fragment} dropped, trailing {@code /}
   * dropped, the last path segment, without a {@code .git} suffix.
   */
  public static String basename(String url) {
    String u = url.strip();
    int hash = u.indexOf('#');
    if (hash >= 0) {
      u = u.substring(0, hash);
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    u = u.substring(u.lastIndexOf('/') + 1);
    return u.endsWith(".git") ? u.substring(0, u.length() - 4) : u;
  }

  /**
   * Guesses the VCS of a URL: scheme {@code git} or a path ending in {@code .git} or the host github.com means
   * git; a local path or file URL is looked into; an http(s) server answering with a Python BaseHTTP
   * {@code Server} header is {@code hg serve}. Empty when unknown (svn is not supported).
   */
  public static Optional<Vcs> guessVcs(String url) {
    String u = url.strip();
    int hash = u.indexOf('#');
    if (hash >= 0) {
      u = u.substring(0, hash);
    }
    while (u.endsWith("/") && u.length() > 1) {
      u = u.substring(0, u.length() - 1);
    }
    var m = SCHEME.matcher(u);
    String scheme = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    String host = m.matches() ? m.group(2).replaceFirst("^.*@", "").replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT) : null;
    if (scheme == null) {
      var scp = SCP_LIKE.matcher(u);
      if (scp.matches()) {
        scheme = "ssh";
        host = scp.group(1).toLowerCase(Locale.ROOT);
      }
    }
    if ("git".equals(scheme) || (scheme != null && scheme.startsWith("git+"))) {
      return Optional.of(Vcs.GIT);
    }
    if ("svn".equals(scheme)) {
      return Optional.empty();
    }
    if (u.endsWith(".git") || "github.com".equals(host)) {
      return Optional.of(Vcs.GIT);
    }
    if (scheme == null || "file".equals(scheme)) {
      Path p = scheme == null ? Path.of(u) : Path.of(URI.create(u));
      return folderVcs(p);
    }
    if ("http".equals(scheme) || "https".equals(scheme)) {
      return probeHttp(u);
    }
    return Optional.empty();
  }

  /** The VCS of a working copy or bare git repository at {@code folder}, if any. */
  public static Optional<Vcs> folderVcs(Path folder) {
    if (Files.exists(folder.resolve(".git"))) {
      return Optional.of(Vcs.GIT);
    }
    if (Files.isDirectory(folder.resolve(".hg"))) {
      return Optional.of(Vcs.HG);
    }
    if (Files.isRegularFile(folder.resolve("HEAD")) && Files.isDirectory(folder.resolve("objects"))) {
      return Optional.of(Vcs.GIT); // bare
    }
    return Optional.empty();
  }

  /** {@code hg serve} and hgweb behind Python's http.server say so in their Server header. */
  private static Optional<Vcs> probeHttp(String u) {
    try {
      HttpClient c = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create(u)).timeout(PROBE_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      String server = r.headers().firstValue("Server").orElse("").toLowerCase(Locale.ROOT);
      return server.matches(".*basehttp.*python.*") ? Optional.of(Vcs.HG) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }

  /** Where a fresh clone goes before it is renamed to the folder, so a failed clone leaves nothing. */
  static Path cloneTemp(Path folder) throws IOException {
    Files.createDirectories(folder.getParent());
    return folder.resolveSibling("." + folder.getFileName() + ".clone-" + Long.toHexString(System.nanoTime()));
  }

  static void moveClone(Path tmp, Path folder) throws IOException {
    Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
  }

  // ------------------------------------------------------------------------------------------------ git

  private static final class Git {
    private Git() {}

    static void update(Repo r, String rev) {
      boolean cloned = false;
      if (!Files.exists(r.folder.resolve(".git"))) {
        if (r.url == null) {
          throw new VrException("cannot clone into " + r.folder + ": no repository URL");
        }
        clone(r);
        cloned = true;
      }
      try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(r.folder.toFile())) {
        FetchResult fetched = fetch(r, git);
        checkout(r, git, rev, fetched);
      } catch (IOException e) {
        throw new VrException("cannot update " + r.folder + ": " + oneLine(e.getMessage()), e);
      } catch (RuntimeException e) {
        if (cloned && !(e instanceof VrException)) {
          throw new VrException("cannot check out " + r.url + ": " + oneLine(e.getMessage()), e);
        }
        throw e;
      }
    }

    private static void clone(Repo r) {
      Path tmp = null;
      try {
        tmp = cloneTemp(r.folder);
        try (org.eclipse.jgit.api.Git g = org.eclipse.jgit.api.Git.cloneRepository()
            .setURI(r.url).setDirectory(tmp.toFile()).setNoCheckout(true).setCloneAllBranches(true).call()) {
          // closed at once: update() reopens it in its final place
        }
        moveClone(tmp, r.folder);
      } catch (GitAPIException | JGitInternalException | IOException e) {
        if (tmp != null) {
          Trees.deleteQuietly(tmp);
        }
        throw new VrException("cannot clone " + r.url + ": " + reason(e), e);
      }
    }

    /** Fetches every branch (forced: a rewritten branch follows the remote) and every tag. */
    private static FetchResult fetch(Repo r, org.eclipse.jgit.api.Git git) throws IOException {
      StoredConfig cfg = git.getRepository().getConfig();
      if (r.url != null && !r.url.equals(cfg.getString("remote", "origin", "url"))) {
        cfg.setString("remote", "origin", "url", r.url);
        cfg.save();
      }
      String from = r.url != null ? r.url : cfg.getString("remote", "origin", "url");
      try {
        return git.fetch().setRemote("origin")
            .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
            .setTagOpt(TagOpt.FETCH_TAGS).setRemoveDeletedRefs(true).call();
      } catch (GitAPIException | JGitInternalException e) {
        throw new VrException("cannot fetch " + from + ": " + reason(e), e);
      }
    }

    private static String reason(Exception e) {
      Throwable t = e;
      String m = oneLine(e.getMessage());
      while (t.getCause() != null && (m.isEmpty() || m.length() < 8)) {
        t = t.getCause();
        m = oneLine(t.getMessage());
      }
      return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private static void checkout(Repo r, org.eclipse.jgit.api.Git git, String rev, FetchResult fetched) throws IOException {
      Repository repo = git.getRepository();
      String branch = rev != null ? rev : defaultBranch(repo, fetched);
      String from = r.url != null ? r.url : r.folder.toString();
      try {
        Ref remote = branch == null ? null : repo.exactRef("refs/remotes/origin/" + branch);
        if (remote != null) {
          // the local branch is the remote's head, whatever it was before (a force-push included)
          ObjectId id = remote.getObjectId();
          RefUpdate bu = repo.updateRef(Constants.R_HEADS + branch);
          bu.setNewObjectId(id);
          bu.setForceUpdate(true);
          check(bu.update(), "move branch " + branch);
          check(repo.updateRef(Constants.HEAD).link(Constants.R_HEADS + branch), "switch to branch " + branch);
          git.reset().setMode(ResetCommand.ResetType.HARD).setRef(id.name()).call();
          return;
        }
        if (rev == null) {
          throw new VrException("cannot tell the default branch of " + from);
        }
        ObjectId commit = resolve(repo, rev, from);
        RefUpdate hu = repo.updateRef(Constants.HEAD, true); // detached, like `git checkout <tag>`
        hu.setNewObjectId(commit);
        hu.setForceUpdate(true);
        check(hu.update(), "detach HEAD at " + rev);
        // a hard reset rewrites index and files whatever state they are in (a fresh clone has neither)
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
      } catch (GitAPIException | JGitInternalException e) {
        throw new VrException("cannot check out '" + branch + "' of " + from + ": " + reason(e), e);
      }
    }

    private static void check(RefUpdate.Result r, String what) {
      switch (r) {
        case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {
          // done
        }
        default -> throw new VrException("cannot " + what + ": " + r);
      }
    }

    /** A tag, then a commit id (full or abbreviated) or any other revision expression, as a commit. */
    private static ObjectId resolve(Repository repo, String rev, String from) throws IOException {
      try {
        Ref tag = repo.exactRef(Constants.R_TAGS + rev);
        ObjectId id = tag != null
            ? repo.resolve(Constants.R_TAGS + rev + "^{commit}")
            : repo.resolve(rev + "^{commit}");
        if (id == null) {
          throw new VrException("unknown revision '" + rev + "' in " + from);
        }
        return id;
      } catch (AmbiguousObjectException e) {
        throw new VrException("revision '" + rev + "' is ambiguous in " + from + "; give more digits");
      } catch (RevisionSyntaxException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
        throw new VrException("unknown revision '" + rev + "' in " + from);
      }
    }

    /** The branch the remote's HEAD points to; when not advertised, the branch whose head equals HEAD's commit. */
    private static String defaultBranch(Repository repo, FetchResult fetched) throws IOException {
      Ref head = fetched.getAdvertisedRef(Constants.HEAD);
      if (head != null && head.isSymbolic()) {
        String target = head.getTarget().getName();
        if (target.startsWith(Constants.R_HEADS)) {
          return target.substring(Constants.R_HEADS.length());
        }
      }
      if (head != null && head.getObjectId() != null) {
        String best = null;
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix("refs/remotes/origin/")) {
          if (head.getObjectId().equals(ref.getObjectId())) {
            String name = ref.getName().substring("refs/remotes/origin/".length());
            if (name.equals("main") || name.equals("master") || best == null) {
              best = name;
            }
          }
        }
        return best;
      }
      return null;
    }

    static String revision(Repo r) {
      try (Repository repo = org.eclipse.jgit.api.Git.open(r.folder.toFile()).getRepository()) {
        ObjectId id = repo.resolve(Constants.HEAD);
        if (id == null) {
          throw new VrException(r.folder + " has no checked-out revision");
        }
        return id.name();
      } catch (IOException e) {
        throw new VrException("cannot read the revision of " + r.folder + ": " + oneLine(e.getMessage()), e);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ hg

  private static final class Hg {
    private Hg() {}

    private static Exec hg(String... args) {
      // HGPLAIN: no user config, aliases or localisation changing what we parse
      return Exec.of("hg", args).env("HGPLAIN", "1").timeout(Duration.ofHours(1));
    }

    static void update(Repo r, String rev) {
      if (!Files.isDirectory(r.folder.resolve(".hg"))) {
        if (r.url == null) {
          throw new VrException("cannot clone into " + r.folder + ": no repository URL");
        }
        Path tmp = null;
        try {
          tmp = cloneTemp(r.folder);
          hg("clone", "--noupdate", "--", r.url, tmp.toString()).check();
          moveClone(tmp, r.folder);
        } catch (IOException e) {
          Trees.deleteQuietly(tmp);
          throw new VrException("cannot clone " + r.url + ": " + oneLine(e.getMessage()), e);
        } catch (VrException e) {
          Trees.deleteQuietly(tmp);
          throw new VrException("cannot clone " + r.url + ": " + e.getMessage(), e);
        }
      } else {
        String from = r.url != null ? r.url : "default";
        try {
          hg("pull", "-R", r.folder.toString(), "--", from).check();
        } catch (VrException e) {
          throw new VrException("cannot pull " + from + ": " + e.getMessage(), e);
        }
      }
      String target = rev != null ? rev : "tip";
      try {
        hg("update", "-R", r.folder.toString(), "--clean", "--rev", target).check();
      } catch (VrException e) {
        throw new VrException("cannot update " + r.folder + " to '" + target + "': " + e.getMessage(), e);
      }
    }

    static String revision(Repo r) {
      String id = hg("identify", "-i", "-R", r.folder.toString()).check().stdout().strip();
      return id.endsWith("+") ? id.substring(0, id.length() - 1) : id;
    }
  }
}
