package vr.common.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.treewalk.TreeWalk;
import vr.common.VrException;
import vr.common.fs.Trees;

/** A bare git store driven by JGit: no {@code git} binary needed on the build host. */
final class GitStore extends RepoStore {
  private static final int NETWORK_TIMEOUT_SECONDS = 120;
  private static final List<RefSpec> REFSPECS =
      List.of(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"));

  private final GitSsh ssh;

  GitStore(String url, Path dir, GitSsh ssh) {
    super(url, dir);
    this.ssh = ssh;
  }

  @Override
  public Repo.Vcs vcs() {
    return Repo.Vcs.GIT;
  }

  @Override
  public void update() {
    // Made on first use by an SSH transport only: local and http(s) fetches do not load the SSH classes.
    GitSshFactory[] sshFactory = new GitSshFactory[1];
    TransportConfigCallback transports = t -> {
      fastPacks(t);
      if (t instanceof SshTransport st) {
        if (sshFactory[0] == null) {
          sshFactory[0] = new GitSshFactory(ssh);
        }
        st.setSshSessionFactory(sshFactory[0]);
      }
    };
    try {
      if (Files.isDirectory(dir().resolve("objects"))) {
        try (Git git = Git.open(dir().toFile())) {
          // forced refspecs: a rewritten branch follows the remote; removed refs go
          git.fetch().setRemote(url()).setRefSpecs(REFSPECS).setRemoveDeletedRefs(true)
              .setTransportConfigCallback(transports).setTimeout(NETWORK_TIMEOUT_SECONDS).call();
        }
        return;
      }
      cloneBesideAndMove(tmp -> {
        if (!cloneLocally(tmp)) {
          Git.cloneRepository().setURI(url()).setDirectory(tmp.toFile()).setBare(true).setCloneAllBranches(true)
              .setTransportConfigCallback(transports).setTimeout(NETWORK_TIMEOUT_SECONDS).call().close();
        }
      });
    } catch (VrException e) {
      throw e;
    } catch (Exception e) {
      String explained = sshFactory[0] == null ? null : sshFactory[0].explain(e, url());
      String why = explained != null ? explained : Repo.redacted(rootMessage(e), url());
      throw new VrException("cannot fetch git repository " + Repo.redacted(url()) + ": " + why, e);
    } finally {
      if (sshFactory[0] != null) {
        sshFactory[0].close();
      }
    }
  }

  /**
   * The first clone of a repository on a local path, as C git's {@code clone --local} does it: the source's
   * object files (immutable, named by their content) are hard-linked into the new store, or copied where the
   * store is on another file system, and a fetch then only writes the refs, since every object it wants is
   * already there. Packing the objects for a transfer instead cost 5 times GNU tar on a 50 MB app. Returns
   * false, leaving nothing at {@code tmp}, when the URL is not a plain local repository or anything goes
   * wrong on the way; the caller then clones normally.
   */
  private boolean cloneLocally(Path tmp) {
    Path source = localGitDir(url());
    if (source == null) {
      return false;
    }
    try (Repository src = new FileRepositoryBuilder().setGitDir(source.toFile()).setMustExist(true).build();
        Git git = Git.init().setBare(true).setGitDir(tmp.toFile()).setDirectory(tmp.toFile()).call()) {
      linkObjects(source.resolve("objects"), tmp.resolve("objects"));
      git.fetch().setRemote(url()).setRefSpecs(REFSPECS).setTimeout(NETWORK_TIMEOUT_SECONDS).call();
      String head = src.getFullBranch();
      if (head != null && head.startsWith("refs/heads/")
          && git.getRepository().exactRef(head) != null) {
        RefUpdate u = git.getRepository().updateRef(org.eclipse.jgit.lib.Constants.HEAD);
        u.link(head);
      }
      return true;
    } catch (IOException | GitAPIException | RuntimeException e) {
      Trees.deleteQuietly(tmp);
      return false;
    }
  }

  /** The git directory of a repository on a local path or {@code file://} URL, or null for anything else. */
  static Path localGitDir(String url) {
    String p = url.startsWith("file://") ? url.substring("file://".length()) : url;
    if (!p.startsWith("/")) {
      return null;
    }
    Path dir = Path.of(p);
    Path dotGit = dir.resolve(".git");
    Path gitDir = Files.isDirectory(dotGit) ? dotGit : dir;
    // A shallow source lacks history the store would need; alternates point at objects we would not link.
    boolean plain = Files.isDirectory(gitDir.resolve("objects")) && Files.isRegularFile(gitDir.resolve("HEAD"))
        && !Files.exists(gitDir.resolve("shallow")) && !Files.exists(gitDir.resolve("objects/info/alternates"));
    return plain ? gitDir : null;
  }

  /** Hard-links (or copies) loose objects and packs; bookkeeping files (info/, tmp_*, *.keep) stay behind. */
  private static void linkObjects(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        Path rel = from.relativize(f);
        String name = f.getFileName().toString();
        if (rel.startsWith("info") || name.startsWith("tmp_") || name.endsWith(".keep")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        Files.createDirectories(target.getParent());
        try {
          Files.createLink(target, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /**
   * For repositories on a local path JGit packs the objects in this process: without a delta search and with
   * light compression that transient pack costs half the time (a 50 MB app's first clone: 16 s instead of 32 s
   * on a loaded 2-core host). Remote servers pack on their side and ignore this.
   */
  private static void fastPacks(Transport t) {
    PackConfig pc = new PackConfig();
    pc.setDeltaCompress(false);
    pc.setCompressionLevel(1);
    t.setPackConfig(pc);
  }

  @Override
  String resolveOrDefault(String rev) {
    // A bare store's HEAD is the remote's default branch (the clone copies it).
    String r = rev == null ? "HEAD" : rev;
    try (Repository repo = open()) {
      ObjectId id = null;
      try {
        id = repo.resolve(r + "^{commit}");
      } catch (IOException | RuntimeException e) {
        id = null; // ambiguous or malformed names are as unknown as missing ones
      }
      if (id == null) {
        throw new VrException("git repository " + Repo.redacted(url()) + " has no version '" + r + "' (not a tag, branch or revision)");
      }
      return id.name();
    } catch (IOException e) {
      throw new VrException("cannot read git store " + dir() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void export(String revision, Path dest) {
    try (Repository repo = open(); ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      RevCommit commit = rw.parseCommit(ObjectId.fromString(revision));
      Files.createDirectory(dest);
      try (TreeWalk tw = new TreeWalk(reader)) {
        tw.addTree(commit.getTree());
        tw.setRecursive(false);
        while (tw.next()) {
          Path target = dest.resolve(tw.getPathString());
          FileMode mode = tw.getFileMode(0);
          if (tw.isSubtree()) {
            Files.createDirectory(target);
            tw.enterSubtree();
          } else if (mode == FileMode.SYMLINK) {
            String link = new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            Files.createSymbolicLink(target, Path.of(link));
          } else if (mode == FileMode.GITLINK) {
            Files.createDirectory(target); // submodules are not fetched; their place stays an empty directory
          } else {
            try (OutputStream out = Files.newOutputStream(target)) {
              reader.open(tw.getObjectId(0)).copyTo(out);
            }
            if (mode == FileMode.EXECUTABLE_FILE) {
              Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new VrException("cannot export " + Repo.redacted(url()) + " at " + revision + ": " + e.getMessage(), e);
    }
  }

  private Repository open() throws IOException {
    return new FileRepositoryBuilder().setGitDir(dir().toFile()).setMustExist(true).build();
  }
}
