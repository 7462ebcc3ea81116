package vr.common.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.VrException;

/** git through JGit, against repositories built here (no network). */
class RepoTest {
  private static final PersonIdent ME = new PersonIdent("Test", "test@example.invalid");

  @TempDir Path tmp;
  private Path upstream;
  private Git up;
  private RevCommit a;
  private RevCommit b;
  private RevCommit c;
  private Path work;

  private RevCommit commit(String content, String message) throws Exception {
    Files.writeString(upstream.resolve("v"), content);
    up.add().addFilepattern("v").call();
    return up.commit().setMessage(message).setAuthor(ME).setCommitter(ME).setSign(false).call();
  }

  @BeforeEach
  void setUp() throws Exception {
    upstream = tmp.resolve("buildpack");
    // the default branch is not called master: the checkout must follow the remote's HEAD
    up = Git.init().setDirectory(upstream.toFile()).setInitialBranch("trunk").call();
    a = commit("1", "first");
    up.tag().setName("v1").setAnnotated(true).setMessage("release 1").setObjectId(a).setTagger(ME).setSigned(false).call();
    up.tag().setName("light").setAnnotated(false).setObjectId(a).call();
    b = commit("2", "second");
    up.checkout().setCreateBranch(true).setName("feature").setStartPoint(a).call();
    c = commit("feature", "feature work");
    up.checkout().setName("trunk").call();
    work = tmp.resolve("cache/buildpack");
  }

  @AfterEach
  void tearDown() {
    up.close();
  }

  private String content() throws Exception {
    return Files.readString(work.resolve("v"));
  }

  private String url() {
    return upstream.toString();
  }

  @Test
  void defaultIsTheRemoteHeadBranch() throws Exception {
    Repo r = Repo.update(url(), work, null);
    assertThat(r.vcs()).isEqualTo(Repo.Vcs.GIT);
    assertThat(content()).isEqualTo("2");
    assertThat(r.revision()).isEqualTo(b.name());
  }

  @Test
  void checksOutAnnotatedAndLightweightTags() throws Exception {
    assertThat(Repo.update(url(), work, "v1").revision()).isEqualTo(a.name());
    assertThat(content()).isEqualTo("1");
    Repo.update(url(), work, null);
    assertThat(Repo.update(url(), work, "light").revision()).isEqualTo(a.name());
  }

  @Test
  void checksOutABranch() throws Exception {
    assertThat(Repo.update(url(), work, "feature").revision()).isEqualTo(c.name());
    assertThat(content()).isEqualTo("feature");
  }

  @Test
  void checksOutFullAndShortShas() throws Exception {
    assertThat(Repo.update(url(), work, a.name()).revision()).isEqualTo(a.name());
    assertThat(content()).isEqualTo("1");
    assertThat(Repo.update(url(), work, c.name().substring(0, 7)).revision()).isEqualTo(c.name());
    assertThat(content()).isEqualTo("feature");
  }

  @Test
  void urlFragmentChoosesTheRevisionAndAnExplicitRevWins() throws Exception {
    Repo r = Repo.update(url() + "#v1", work, null);
    assertThat(r.url()).isEqualTo(url());
    assertThat(r.fragment()).isEqualTo("v1");
    assertThat(r.revision()).isEqualTo(a.name());
    assertThat(Repo.update(url() + "#v1", work, "feature").revision()).isEqualTo(c.name());
  }

  @Test
  void secondUpdateFetchesInsteadOfCloning() throws Exception {
    Repo.update(url(), work, null);
    Path marker = Files.writeString(work.resolve(".git/vr-test-marker"), "still here");
    RevCommit d = commit("3", "third");
    assertThat(Repo.update(url(), work, null).revision()).isEqualTo(d.name());
    assertThat(content()).isEqualTo("3");
    assertThat(marker).exists();
  }

  @Test
  void branchFollowsAForcePush() throws Exception {
    assertThat(Repo.update(url(), work, "feature").revision()).isEqualTo(c.name());
    // rewrite feature upstream: it no longer contains c
    up.checkout().setName("feature").call();
    up.reset().setMode(ResetCommand.ResetType.HARD).setRef(a.name()).call();
    RevCommit e = commit("rewritten", "rewritten feature");
    up.checkout().setName("trunk").call();
    assertThat(Repo.update(url(), work, "feature").revision()).isEqualTo(e.name());
    assertThat(content()).isEqualTo("rewritten");
  }

  @Test
  void localChangesAreDiscarded() throws Exception {
    Repo.update(url(), work, null);
    Files.writeString(work.resolve("v"), "local edit");
    Repo.update(url(), work, null);
    assertThat(content()).isEqualTo("2");
  }

  @Test
  void unknownRevisionIsOneLine() {
    Repo.update(url(), work, null);
    assertThatThrownBy(() -> Repo.update(url(), work, "no-such-rev"))
        .isInstanceOf(VrException.class)
        .hasMessage("unknown revision 'no-such-rev' in " + url());
  }

  @Test
  void unreachableRepositoryIsOneLineAndLeavesNoFolder() throws Exception {
    String missing = tmp.resolve("missing.git").toString();
    assertThatThrownBy(() -> Repo.update(missing, work, null))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot clone " + missing + ": ")
        .hasMessageNotContaining("\n");
    assertThat(work).doesNotExist();
    try (var s = Files.list(work.getParent())) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void basenameFollowsTheReference() {
    assertThat(Repo.basename(" https://github.com/heroku/heroku-buildpack-python.git#v1 ")).isEqualTo("heroku-buildpack-python");
    assertThat(Repo.basename("https://hg.example.org/repos/buildpack/")).isEqualTo("buildpack");
    assertThat(Repo.basename("/srv/repos/app.git/")).isEqualTo("app");
    assertThat(Repo.basename("git@github.com:org/thing.git")).isEqualTo("thing");
    assertThat(Repo.basename("plain")).isEqualTo("plain");
  }

  @Test
  void guessesVcsFromUrls() throws Exception {
    assertThat(Repo.guessVcs("git://example.org/x")).contains(Repo.Vcs.GIT);
    assertThat(Repo.guessVcs("https://example.org/x.git#v1")).contains(Repo.Vcs.GIT);
    assertThat(Repo.guessVcs("https://github.com/org/repo")).contains(Repo.Vcs.GIT);
    assertThat(Repo.guessVcs("git@github.com:org/repo")).contains(Repo.Vcs.GIT);
    assertThat(Repo.guessVcs("svn://example.org/x")).isEmpty();
    assertThat(Repo.guessVcs(url())).contains(Repo.Vcs.GIT);
    assertThat(Repo.guessVcs(upstream.toUri().toString())).contains(Repo.Vcs.GIT);
    Path hg = Files.createDirectories(tmp.resolve("hgrepo/.hg"));
    assertThat(Repo.guessVcs(hg.getParent().toString())).contains(Repo.Vcs.HG);
    Path bare = tmp.resolve("bare");
    Git.cloneRepository().setURI(url()).setDirectory(bare.toFile()).setBare(true).call().close();
    assertThat(Repo.guessVcs(bare.toString())).contains(Repo.Vcs.GIT);
    assertThat(Repo.folderVcs(tmp)).isEmpty();
  }

  @Test
  void recognisesHgServeByItsServerHeader() throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/hg", ex -> {
      ex.getResponseHeaders().set("Server", "BaseHTTP/0.6 Python/3.11.2");
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    s.createContext("/other", ex -> {
      ex.getResponseHeaders().set("Server", "nginx");
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    s.start();
    try {
      String base = "http://127.0.0.1:" + s.getAddress().getPort();
      assertThat(Repo.guessVcs(base + "/hg/buildpack")).contains(Repo.Vcs.HG);
      assertThat(Repo.guessVcs(base + "/other/buildpack")).isEqualTo(Optional.empty());
    } finally {
      s.stop(0);
    }
  }

  @Test
  void unknownVcsIsBadInput() {
    assertThatThrownBy(() -> new Repo(work, "https://127.0.0.1:9/unknown", null))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("cannot tell whether https://127.0.0.1:9/unknown is a git or a Mercurial repository");
  }
}
