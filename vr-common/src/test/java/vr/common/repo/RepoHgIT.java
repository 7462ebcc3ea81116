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

/** Mercurial through the hg command, against repositories built here (needs the mercurial package). */
class RepoHgIT {
  @TempDir Path tmp;
  private Path upstream;
  private Path work;

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
    commit("1");
    hg("tag", "v1");
    commit("2");
    work = tmp.resolve("cache/buildpack");
  }

  private String content() throws Exception {
    return Files.readString(work.resolve("v"));
  }

  @Test
  void defaultIsTip() throws Exception {
    Repo r = Repo.update(upstream.toString(), work, null);
    assertThat(r.vcs()).isEqualTo(Repo.Vcs.HG);
    assertThat(content()).isEqualTo("2");
    assertThat(r.revision()).isEqualTo(hg("identify", "-i", "-r", "tip")).matches("[0-9a-f]{12}");
  }

  @Test
  void tagAndFragment() throws Exception {
    Repo.update(upstream.toString(), work, "v1");
    assertThat(content()).isEqualTo("1");
    Repo.update(upstream + "#v1", work, null);
    assertThat(content()).isEqualTo("1");
  }

  @Test
  void pullsInsteadOfCloningAndDiscardsLocalChanges() throws Exception {
    Repo.update(upstream.toString(), work, null);
    Path marker = Files.writeString(work.resolve(".hg/vr-test-marker"), "x");
    String three = commit("3");
    Files.writeString(work.resolve("v"), "local edit");
    Repo r = Repo.update(upstream.toString(), work, null);
    assertThat(content()).isEqualTo("3");
    assertThat(r.revision()).isEqualTo(three).doesNotEndWith("+");
    assertThat(marker).exists();
  }

  @Test
  void unknownRevisionIsOneLine() {
    Repo.update(upstream.toString(), work, null);
    assertThatThrownBy(() -> Repo.update(upstream.toString(), work, "no-such-rev"))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot update " + work + " to 'no-such-rev': ")
        .hasMessageContaining("unknown revision")
        .hasMessageNotContaining("\n");
  }

  @Test
  void unreachableRepositoryLeavesNoFolder() throws Exception {
    Path missing = Files.createDirectories(tmp.resolve("gone/.hg")).getParent();
    Files.delete(missing.resolve(".hg"));
    assertThatThrownBy(() -> new Repo(work, missing.toString(), Repo.Vcs.HG).update(null))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot clone " + missing + ": ");
    assertThat(work).doesNotExist();
  }
}
