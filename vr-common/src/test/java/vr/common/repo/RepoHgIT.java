package vr.common.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.exec.Exec;
import vr.common.testing.Prereqs;

/** Mercurial stores through the hg command, against repositories built here (needs the mercurial package). */
class RepoHgIT {
  @TempDir Path tmp;
  private Path upstream;
  private Path store;
  private String one;
  private int exports;

  private String hg(String... args) {
    return Exec.of("hg", args).dir(upstream).env("HGPLAIN", "1").env("HGUSER", "Test <test@example.invalid>").check().stdout().strip();
  }

  private String commit(String content) throws Exception {
    Files.writeString(upstream.resolve("v"), content);
    hg("commit", "-A", "-m", "set " + content);
    return hg("identify", "-i");
  }

  @BeforeEach
  void setUp() throws Exception {
    Prereqs.command("hg", "mercurial");
    upstream = Files.createDirectories(tmp.resolve("buildpack"));
    hg("init");
    one = commit("1");
    hg("tag", "v1");
    commit("2");
    store = tmp.resolve("stores/buildpack");
  }

  private RepoStore fetched(String url) {
    RepoStore s = RepoStore.of(url, store);
    s.update();
    return s;
  }

  private String content(RepoStore s, String rev) throws Exception {
    Path dest = tmp.resolve("export-" + (++exports));
    s.export(s.resolve(rev), dest);
    return Files.readString(dest.resolve("v"));
  }

  private String node(String rev) {
    return hg("log", "-r", rev, "--template", "{node}");
  }

  @Test
  void defaultIsTip() throws Exception {
    RepoStore s = fetched(upstream.toString());
    assertThat(s.vcs()).isEqualTo(Repo.Vcs.HG);
    assertThat(s.resolve(null)).isEqualTo(node("tip")).matches("[0-9a-f]{40}");
    assertThat(content(s, null)).isEqualTo("2");
  }

  @Test
  void tagShortIdAndFragment() throws Exception {
    RepoStore s = fetched(upstream.toString());
    assertThat(content(s, "v1")).isEqualTo("1");
    assertThat(s.resolve(one)).isEqualTo(node(one));
    assertThat(content(fetched(upstream + "#v1"), null)).isEqualTo("1");
    assertThat(content(fetched("hg+" + upstream + "#v1"), null)).isEqualTo("1");
  }

  @Test
  void pullsInsteadOfCloning() throws Exception {
    fetched(upstream.toString());
    Path marker = Files.writeString(store.resolve(".hg/vr-test-marker"), "x");
    String three = commit("3");
    RepoStore s = fetched(upstream.toString());
    assertThat(content(s, null)).isEqualTo("3");
    assertThat(s.resolve(null)).startsWith(three);
    assertThat(marker).exists();
  }

  @Test
  void revisionsAreDataNotRevsets() {
    RepoStore s = fetched(upstream.toString());
    assertThatThrownBy(() -> s.resolve("v1 or tip"))
        .isInstanceOf(VrException.class)
        .hasMessage("hg repository " + upstream + " has no version 'v1 or tip' (not a tag, branch or revision)");
  }

  @Test
  void unknownRevisionIsOneLine() {
    RepoStore s = fetched(upstream.toString());
    assertThatThrownBy(() -> s.resolve("no-such-rev"))
        .isInstanceOf(VrException.class)
        .hasMessage("hg repository " + upstream + " has no version 'no-such-rev' (not a tag, branch or revision)");
  }

  @Test
  void unreachableRepositoryLeavesNoFolder() throws Exception {
    Path missing = tmp.resolve("gone");
    assertThatThrownBy(() -> RepoStore.of(Repo.Vcs.HG, missing.toString(), store).update())
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot fetch hg repository " + missing + ": ")
        .hasMessageNotContaining("\n");
    assertThat(store).doesNotExist();
    try (var l = Files.list(store.getParent())) {
      assertThat(l).isEmpty();
    }
  }
}
