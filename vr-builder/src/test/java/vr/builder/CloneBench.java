package vr.builder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.storage.pack.PackConfig;
import vr.common.exec.Exec;
import vr.common.fs.Trees;
import vr.common.repo.Repo;
import vr.common.repo.RepoStore;

/**
 * The first clone of a local app repository into a store, by each way measured for the builder's first build:
 * JGit cloning with a light pack (what vbuild did), vbuild's store now (hard-linked objects and a ref-only
 * fetch), and C git's bare clone with and without {@code --no-local}. Prints the median of 3 of each.
 * Usage: {@code CloneBench <repo> <scratch dir>}.
 */
public final class CloneBench {
  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]);
    Path scratch = Path.of(args[1]);
    Files.createDirectories(scratch);
    time("JGit clone, light pack", scratch, d -> {
      try {
        Git.cloneRepository().setURI(repo.toString()).setDirectory(d.toFile()).setBare(true).setCloneAllBranches(true)
            .setTransportConfigCallback(t -> {
              PackConfig pc = new PackConfig();
              pc.setDeltaCompress(false);
              pc.setCompressionLevel(1);
              t.setPackConfig(pc);
            }).call().close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    time("vbuild store (linked objects + JGit fetch)", scratch, d -> RepoStore.of(Repo.Vcs.GIT, repo.toString(), d).update());
    time("git clone --bare --no-local", scratch,
        d -> Exec.of("git", "clone", "-q", "--bare", "--no-local", repo.toString(), d.toString()).check());
    time("git clone --bare (local, hard links)", scratch,
        d -> Exec.of("git", "clone", "-q", "--bare", repo.toString(), d.toString()).check());
  }

  private static void time(String label, Path scratch, Consumer<Path> clone) throws Exception {
    List<Double> secs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path d = scratch.resolve("clone-" + i);
      Trees.delete(d);
      long t0 = System.nanoTime();
      clone.accept(d);
      secs.add((System.nanoTime() - t0) / 1e9);
      Trees.delete(d);
    }
    Collections.sort(secs);
    System.out.printf("%-45s %6.2f s (runs %s)%n", label, secs.get(1), secs);
  }
}
