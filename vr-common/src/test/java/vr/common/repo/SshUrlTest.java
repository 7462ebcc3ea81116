package vr.common.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportProtocol;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which repository URLs git reaches over SSH, and what host, port, user and path they name. */
class SshUrlTest {
  @TempDir Path tmp;

  @Test
  void sshUrlWithUserAndPort() {
    assertThat(SshUrl.parse("ssh://git@git.example.com:2222/org/app.git"))
        .contains(new SshUrl("git", "git.example.com", 2222, "/org/app.git"));
  }

  @Test
  void sshUrlWithoutUserOrPort() {
    assertThat(SshUrl.parse("ssh://git.example.com/srv/app.git")).contains(new SshUrl(null, "git.example.com", -1, "/srv/app.git"));
  }

  @Test
  void sshUrlFragmentIsNotPartOfThePath() {
    assertThat(SshUrl.parse("ssh://git@host/app.git#v12")).contains(new SshUrl("git", "host", -1, "/app.git"));
  }

  @Test
  void gitPlusSshSchemesAreSsh() {
    assertThat(SshUrl.parse("git+ssh://host:22/a.git")).contains(new SshUrl(null, "host", 22, "/a.git"));
    assertThat(SshUrl.parse("ssh+git://u@host/a.git")).contains(new SshUrl("u", "host", -1, "/a.git"));
  }

  @Test
  void sshUrlHomeRelativePathKeepsTheTilde() {
    assertThat(SshUrl.parse("ssh://git@host/~/app.git")).contains(new SshUrl("git", "host", -1, "~/app.git"));
  }

  @Test
  void sshUrlWithIpv6AddressInBrackets() {
    assertThat(SshUrl.parse("ssh://git@[::1]:2222/app.git")).contains(new SshUrl("git", "::1", 2222, "/app.git"));
    assertThat(SshUrl.parse("ssh://git@[::1]:2222/app.git").get().label()).isEqualTo("[::1]:2222");
  }

  @Test
  void aPasswordInTheUrlIsNotKept() {
    SshUrl u = SshUrl.parse("ssh://git:secret@host:2222/app.git").orElseThrow();
    assertThat(u).isEqualTo(new SshUrl("git", "host", 2222, "/app.git"));
    assertThat(u.toString() + u.label()).doesNotContain("secret");
  }

  @Test
  void aBadPortIsNotAnSshUrl() {
    assertThat(SshUrl.parse("ssh://host:99999/app.git")).isEmpty();
    assertThat(SshUrl.parse("ssh://host:0/app.git")).isEmpty();
  }

  @Test
  void scpStyleWithUser() {
    assertThat(SshUrl.parse("git@github.com:org/app.git")).contains(new SshUrl("git", "github.com", -1, "org/app.git"));
  }

  @Test
  void scpStyleWithoutUserAndWithAbsolutePath() {
    assertThat(SshUrl.parse("gitserver:/srv/git/app.git")).contains(new SshUrl(null, "gitserver", -1, "/srv/git/app.git"));
  }

  @Test
  void scpStyleLabelHasNoPort() {
    assertThat(SshUrl.parse("git@host:app.git").get().label()).isEqualTo("host");
    assertThat(SshUrl.parse("ssh://git@host:2222/app.git").get().label()).isEqualTo("host:2222");
  }

  @Test
  void localPathsFileHttpAndGitUrlsAreNotSsh() {
    assertThat(SshUrl.parse("/srv/git/app")).isEmpty();
    assertThat(SshUrl.parse("./app:v1")).as("a slash before the colon makes it a path, as in git").isEmpty();
    assertThat(SshUrl.parse("file:///srv/git/app")).isEmpty();
    assertThat(SshUrl.parse("https://git.example.com/app.git")).isEmpty();
    assertThat(SshUrl.parse("https://user:token@git.example.com/app.git")).isEmpty();
    assertThat(SshUrl.parse("http://127.0.0.1:8000/app")).isEmpty();
    assertThat(SshUrl.parse("git://git.example.com/app.git")).isEmpty();
    assertThat(SshUrl.parse("hg+ssh://host/app")).isEmpty();
  }

  @Test
  void localPathsAndFileUrlsStillCloneLocally() throws Exception {
    Path repo = tmp.resolve("app");
    Files.createDirectories(repo.resolve("objects"));
    Files.writeString(repo.resolve("HEAD"), "ref: refs/heads/main\n");

    assertThat(GitStore.localGitDir(repo.toString())).isEqualTo(repo);
    assertThat(GitStore.localGitDir("file://" + repo)).isEqualTo(repo);
    assertThat(GitStore.localGitDir("ssh://host" + repo)).isNull();
    assertThat(GitStore.localGitDir("host:" + repo)).isNull();
  }

  @Test
  void scpStyleUrlsAreGuessedGitWithoutLookingOnDisk() {
    assertThat(Repo.guessVcs("git@git.example.com:org/app.git")).contains(Repo.Vcs.GIT);
    assertThat(Repo.storeVcs("gitserver:srv/app", tmp.resolve("none"))).isEqualTo(Repo.Vcs.GIT);
  }

  /** The name of the JGit transport protocol that would fetch {@code url} (what GitStore's fetch gets). */
  static String transportOf(String url) throws Exception {
    URIish u = new URIish(url);
    for (TransportProtocol p : Transport.getTransportProtocols()) {
      if (p.canHandle(u)) {
        return p.getName();
      }
    }
    return "none";
  }

  @Test
  void jgitTakesSshUrlsToItsSshTransportAndTheRestWhereTheyWent() throws Exception {
    Path repo = tmp.resolve("app");
    Files.createDirectories(repo.resolve("objects"));
    Files.writeString(repo.resolve("HEAD"), "ref: refs/heads/main\n");
    String ssh = transportOf("ssh://git@host:2222/app.git");

    assertThat(transportOf("git@host:org/app.git")).isEqualTo(ssh);
    assertThat(transportOf("host:/srv/app.git")).isEqualTo(ssh);
    assertThat(transportOf("git+ssh://host/app.git")).isEqualTo(ssh);
    assertThat(transportOf(repo.toString())).isNotEqualTo(ssh).isEqualTo(transportOf("file://" + repo));
    assertThat(transportOf("https://git.example.com/app.git")).isNotEqualTo(ssh).containsIgnoringCase("http");
    assertThat(transportOf("git://git.example.com/app.git")).isNotEqualTo(ssh);
  }
}
