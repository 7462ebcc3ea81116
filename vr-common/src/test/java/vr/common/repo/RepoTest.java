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
import vr.common.VrException;

/** Repository URLs, and git stores through JGit, against repositories built here (no network). */
class RepoTest {
  private static final PersonIdent ME = new PersonIdent("Test", "test@example.invalid");

  @TempDir Path tmp;
  private Path upstream;
  private Git up;
  private RevCommit a;
  private RevCommit b;
  private RevCommit c;
  private Path store;
  private int exports;

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
    store = tmp.resolve("stores/buildpack");
  }

  @AfterEach
  void tearDown() {
    up.close();
  }

  private String url() {
    return upstream.toString();
  }

  /** A store of {@code url}, fetched, as vbuild keeps one per repository. */
  private RepoStore fetched(String url) {
    RepoStore s = RepoStore.of(url, store);
    s.update();
    return s;
  }

  /** The file {@code v} of {@code rev} as exported into a fresh directory. */
  private String content(RepoStore s, String rev) throws Exception {
    Path dest = tmp.resolve("export-" + (++exports));
    s.export(s.resolve(rev), dest);
    return Files.readString(dest.resolve("v"));
  }

  @Test
  void defaultIsTheRemoteHeadBranch() throws Exception {
    RepoStore s = fetched(url());
    assertThat(s.vcs()).isEqualTo(Repo.Vcs.GIT);
    assertThat(s.resolve(null)).isEqualTo(b.name());
    assertThat(content(s, null)).isEqualTo("2");
  }

  @Test
  void theDefaultBranchOfANonLocalCloneIsTheRemoteHeadToo() throws Exception {
    // a file: URL with alternates is not linked locally: this takes JGit's ordinary clone
    Files.createDirectories(upstream.resolve(".git/objects/info"));
    Files.writeString(upstream.resolve(".git/objects/info/alternates"), "");
    assertThat(GitStore.localGitDir(url())).isNull();
    RepoStore s = fetched(upstream.toUri().toString());
    assertThat(s.resolve(null)).isEqualTo(b.name());
    assertThat(s.resolve("feature")).isEqualTo(c.name());
  }

  @Test
  void resolvesAnnotatedAndLightweightTags() throws Exception {
    RepoStore s = fetched(url());
    assertThat(s.resolve("v1")).isEqualTo(a.name());
    assertThat(content(s, "v1")).isEqualTo("1");
    assertThat(s.resolve("light")).isEqualTo(a.name());
  }

  @Test
  void resolvesABranch() throws Exception {
    RepoStore s = fetched(url());
    assertThat(s.resolve("feature")).isEqualTo(c.name());
    assertThat(content(s, "feature")).isEqualTo("feature");
  }

  @Test
  void resolvesFullAndShortShas() throws Exception {
    RepoStore s = fetched(url());
    assertThat(s.resolve(a.name())).isEqualTo(a.name());
    assertThat(content(s, a.name())).isEqualTo("1");
    assertThat(s.resolve(c.name().substring(0, 7))).isEqualTo(c.name());
    assertThat(content(s, c.name().substring(0, 7))).isEqualTo("feature");
  }

  @Test
  void urlFragmentChoosesTheRevisionAndAnExplicitRevWins() throws Exception {
    RepoStore s = fetched(url() + "#v1");
    assertThat(s.url()).isEqualTo(url());
    assertThat(s.fragment()).isEqualTo("v1");
    assertThat(s.resolve(null)).isEqualTo(a.name());
    assertThat(s.resolve(" ")).isEqualTo(a.name());
    assertThat(s.resolve("feature")).isEqualTo(c.name());
  }

  @Test
  void secondUpdateFetchesInsteadOfCloning() throws Exception {
    fetched(url());
    Path marker = Files.writeString(store.resolve("vr-test-marker"), "still here");
    RevCommit d = commit("3", "third");
    RepoStore s = fetched(url());
    assertThat(s.resolve(null)).isEqualTo(d.name());
    assertThat(content(s, null)).isEqualTo("3");
    assertThat(marker).exists();
  }

  @Test
  void branchFollowsAForcePush() throws Exception {
    assertThat(fetched(url()).resolve("feature")).isEqualTo(c.name());
    // rewrite feature upstream: it no longer contains c
    up.checkout().setName("feature").call();
    up.reset().setMode(ResetCommand.ResetType.HARD).setRef(a.name()).call();
    RevCommit e = commit("rewritten", "rewritten feature");
    up.checkout().setName("trunk").call();
    RepoStore s = fetched(url());
    assertThat(s.resolve("feature")).isEqualTo(e.name());
    assertThat(content(s, "feature")).isEqualTo("rewritten");
  }

  @Test
  void exportWritesTheTreeWithModesAndLinksButNoHistory() throws Exception {
    Path bin = Files.createDirectories(upstream.resolve("bin"));
    Files.writeString(bin.resolve("compile"), "#!/bin/sh\n");
    bin.resolve("compile").toFile().setExecutable(true);
    Files.createSymbolicLink(upstream.resolve("link"), Path.of("v"));
    up.add().addFilepattern(".").call();
    RevCommit d = up.commit().setMessage("tools").setAuthor(ME).setCommitter(ME).setSign(false).call();
    RepoStore s = fetched(url());
    Path dest = tmp.resolve("export");
    s.export(s.resolve(null), dest);
    assertThat(s.resolve(null)).isEqualTo(d.name());
    assertThat(dest.resolve("bin/compile")).isExecutable();
    assertThat(Files.readSymbolicLink(dest.resolve("link"))).isEqualTo(Path.of("v"));
    assertThat(dest.resolve(".git")).doesNotExist();
    assertThat(Files.readString(dest.resolve("v"))).isEqualTo("2");
  }

  @Test
  void unknownRevisionIsOneLine() {
    RepoStore s = fetched(url());
    assertThatThrownBy(() -> s.resolve("no-such-rev"))
        .isInstanceOf(VrException.class)
        .hasMessage("git repository " + url() + " has no version 'no-such-rev' (not a tag, branch or revision)");
  }

  @Test
  void unreachableRepositoryIsOneLineAndLeavesNoFolder() throws Exception {
    String missing = tmp.resolve("missing.git").toString();
    assertThatThrownBy(() -> fetched(missing))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot fetch git repository " + missing + ": ")
        .hasMessageNotContaining("\n");
    assertThat(store).doesNotExist();
    try (var s = Files.list(store.getParent())) {
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
  void aFragmentPinsARevision() {
    assertThat(Repo.fragment("/srv/bp.git#1a2b")).isEqualTo("1a2b");
    assertThat(Repo.fragment("/srv/bp.git")).isNull();
    assertThat(Repo.fragment("/srv/bp.git#")).isNull();
    assertThat(Repo.withoutFragment(" /srv/bp.git#1a2b ")).isEqualTo("/srv/bp.git");
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
  void aStoreIsHgForAnHgPrefixOrAnHgStoreAndGitWhenNothingTellsOtherwise() throws Exception {
    assertThat(Repo.storeVcs("hg+https://127.0.0.1:9/bp", store)).isEqualTo(Repo.Vcs.HG);
    assertThat(RepoStore.of("hg+https://127.0.0.1:9/bp#v2", store).url()).isEqualTo("https://127.0.0.1:9/bp");
    assertThat(Repo.storeVcs("ssh://127.0.0.1:9/unknown", store)).isEqualTo(Repo.Vcs.GIT);
    Files.createDirectories(store.resolve(".hg"));
    assertThat(Repo.storeVcs("ssh://127.0.0.1:9/unknown", store)).isEqualTo(Repo.Vcs.HG);
  }

  @Test
  void redactedHidesAPasswordAndNothingElse() {
    assertThat(Repo.redacted("https://user:tok3n@git.example.com/app.git")).isEqualTo("https://user:***@git.example.com/app.git");
    assertThat(Repo.redacted("ssh://git:pw@host:2222/app.git")).isEqualTo("ssh://git:***@host:2222/app.git");
    assertThat(Repo.redacted("ssh://git@host:2222/app.git")).isEqualTo("ssh://git@host:2222/app.git");
    assertThat(Repo.redacted("git@host:app.git")).isEqualTo("git@host:app.git");
    assertThat(Repo.redacted("/srv/a:b@c")).isEqualTo("/srv/a:b@c");
  }

  @Test
  void aMessageAboutAUrlLosesItsPassword() {
    assertThat(Repo.redacted("https://user:tok3n@host/a.git: not authorized (tok3n)", "https://user:tok3n@host/a.git"))
        .isEqualTo("https://user:***@host/a.git: not authorized (***)");
    assertThat(Repo.redacted("ssh://git@host/a.git: refused", "ssh://git@host/a.git")).isEqualTo("ssh://git@host/a.git: refused");
  }

  @Test
  void aFailedFetchFromAUrlWithAPasswordNeverShowsIt() {
    String url = "https://user:s3cr3t-token@127.0.0.1:1/app.git";
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, url, tmp.resolve("store"));
    assertThatThrownBy(s::update).isInstanceOf(VrException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith("cannot fetch git repository https://user:***@127.0.0.1:1/app.git: ")
            .doesNotContain("s3cr3t-token"));
  }
}
