package vr.common.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.testing.Prereqs;
import vr.common.testing.SshDaemon;

/**
 * Git stores fetched over SSH from a real OpenSSH sshd on loopback that serves a bare repository through the
 * machine's {@code git-upload-pack}, with a throwaway client key and known_hosts: no file under the real
 * {@code ~/.ssh} is read or written (every setting points into the test's temp dir).
 */
class GitSshIT {
  private static final PersonIdent ME = new PersonIdent("Test", "test@example.invalid");

  @TempDir Path tmp;
  private SshDaemon sshd;
  private Git work;
  private Path bare;
  private RevCommit first;
  private Path store;
  private Path sshDir;

  @BeforeEach
  void setUp() throws Exception {
    Prereqs.command("git-upload-pack", "git");
    sshd = SshDaemon.start(tmp.resolve("sshd"));
    work = Git.init().setDirectory(tmp.resolve("work").toFile()).setInitialBranch("main").call();
    first = commit("1");
    work.tag().setName("v1").setObjectId(first).call();
    bare = tmp.resolve("srv/app.git");
    Git.init().setBare(true).setGitDir(bare.toFile()).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    push();
    store = tmp.resolve("stores/app");
    // an empty ~/.ssh of our own: the defaults must never reach the real one
    sshDir = Files.createDirectories(tmp.resolve("home/.ssh"));
  }

  @AfterEach
  void tearDown() {
    if (work != null) {
      work.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private RevCommit commit(String content) throws Exception {
    Files.writeString(work.getRepository().getWorkTree().toPath().resolve("v"), content);
    work.add().addFilepattern("v").call();
    return work.commit().setMessage("v " + content).setAuthor(ME).setCommitter(ME).setSign(false).call();
  }

  private void push() throws Exception {
    work.push().setRemote(bare.toString()).setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"),
        new RefSpec("+refs/tags/*:refs/tags/*")).call();
  }

  private String sshUrl() {
    return "ssh://root@127.0.0.1:" + sshd.port() + bare;
  }

  /** Settings like vbuild's: the daemon's client key and the given known_hosts, config from our own dir. */
  private GitSsh settings(Path key, Path knownHosts) {
    return new GitSsh(sshDir, key, List.of(knownHosts), sshDir.resolve("config"));
  }

  private GitSsh trusting() {
    return settings(sshd.clientKey(), sshd.knownHosts());
  }

  private String exported(RepoStore s, String rev) throws Exception {
    Path dest = tmp.resolve("export-" + System.nanoTime());
    s.export(s.resolve(rev), dest);
    return Files.readString(dest.resolve("v"));
  }

  @Test
  void clonesOverAnSshUrlWithAPortAndExportsATag() throws Exception {
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, trusting());
    s.update();

    assertThat(s.resolve("v1")).isEqualTo(first.name());
    assertThat(exported(s, "v1")).isEqualTo("1");
    assertThat(store.resolve("objects")).isDirectory();
  }

  @Test
  void clonesAnScpStyleUrlThroughAHostAliasInTheSshConfig() throws Exception {
    // scp-style URLs carry no port: the alias in the configured ssh config supplies address and port
    Files.writeString(sshDir.resolve("config"),
        "Host gitserver\n  HostName 127.0.0.1\n  Port " + sshd.port() + "\n");
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, "root@gitserver:" + bare, store, trusting());
    s.update();

    assertThat(exported(s, "v1")).isEqualTo("1");
  }

  @Test
  void updateFetchesANewTagIntoTheExistingStore() throws Exception {
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, trusting());
    s.update();
    Object inode = Files.readAttributes(store, "unix:ino").get("ino");
    RevCommit second = commit("2");
    work.tag().setName("v2").setObjectId(second).call();
    push();

    RepoStore again = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, trusting());
    again.update();

    assertThat(again.resolve("v2")).isEqualTo(second.name());
    assertThat(exported(again, "v2")).isEqualTo("2");
    assertThat(Files.readAttributes(store, "unix:ino").get("ino")).as("fetched, not cloned again").isEqualTo(inode);
  }

  @Test
  void anUnknownHostKeyIsRefusedInOneLineNamingHostAndFingerprint() throws Exception {
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(sshd.clientKey(), sshd.emptyKnownHosts()));

    assertThatThrownBy(s::update).isInstanceOf(VrException.class).satisfies(e -> {
      assertThat(e.getMessage()).doesNotContain("\n")
          .startsWith("cannot fetch git repository " + sshUrl() + ": host key of [127.0.0.1]:" + sshd.port() + " is unknown")
          .contains(hostFingerprint()).contains(sshd.emptyKnownHosts().toString());
    });
    assertThat(store).doesNotExist();
    assertThat(Files.readString(sshd.emptyKnownHosts())).as("nothing learned").isEmpty();
  }

  @Test
  void aChangedHostKeyIsRefusedInOneLineNamingHostAndFingerprint() throws Exception {
    // known_hosts vouches for another ed25519 key (the client's) under the daemon's name and port
    Path changed = tmp.resolve("changed_known_hosts");
    Files.writeString(changed, "[127.0.0.1]:" + sshd.port() + " " + Files.readString(sshd.clientKey().resolveSibling("client_key.pub")));
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(sshd.clientKey(), changed));

    assertThatThrownBy(s::update).isInstanceOf(VrException.class).satisfies(e -> {
      assertThat(e.getMessage()).doesNotContain("\n")
          .startsWith("cannot fetch git repository " + sshUrl() + ": host key of [127.0.0.1]:" + sshd.port() + " has changed")
          .contains(hostFingerprint()).contains(changed + " line 1");
    });
    assertThat(store).doesNotExist();
  }

  @Test
  void aKeyTheServerDoesNotAcceptFailsInOneLine() {
    Path wrongKey = sshd.clientKey().resolveSibling("host_key"); // a valid ed25519 key, not authorized
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(wrongKey, sshd.knownHosts()));

    assertThatThrownBy(s::update).isInstanceOf(VrException.class).satisfies(e -> {
      assertThat(e.getMessage()).isEqualTo("cannot fetch git repository " + sshUrl() + ": ssh login as root at 127.0.0.1:"
          + sshd.port() + " refused: the server accepted none of the keys tried (" + wrongKey + ")");
    });
    assertThat(store).doesNotExist();
  }

  @Test
  void aPortNobodyListensOnFailsInOneLineNamingIt() throws Exception {
    int closed = vr.common.testing.Daemons.freePort();
    String url = "ssh://root@127.0.0.1:" + closed + bare;
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, url, store, trusting());

    assertThatThrownBy(s::update).isInstanceOf(VrException.class)
        .hasMessage("cannot fetch git repository " + url + ": cannot connect over ssh to 127.0.0.1:" + closed + ": Connection refused");
  }

  @Test
  void aPassphraseProtectedKeyIsNotAskedForAndTheLoginFailsInOneLine() throws Exception {
    Path locked = tmp.resolve("locked_key");
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret-passphrase", "-f", locked.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
    Files.writeString(sshd.clientKey().resolveSibling("authorized_keys"), Files.readString(locked.resolveSibling("locked_key.pub")),
        java.nio.file.StandardOpenOption.APPEND);
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(locked, sshd.knownHosts()));

    assertThatThrownBy(s::update).isInstanceOf(VrException.class).satisfies(e -> assertThat(e.getMessage())
        .startsWith("cannot fetch git repository " + sshUrl() + ": ssh login as root at 127.0.0.1:" + sshd.port() + " refused")
        .contains("skipped for their passphrase, which is never asked for: " + locked)
        .doesNotContain("secret-passphrase").doesNotContain("\n"));
  }

  @Test
  void withoutAKeySettingTheDefaultIdentityInTheSshDirectoryLogsIn() throws Exception {
    Files.copy(sshd.clientKey(), sshDir.resolve("id_ed25519"));
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(null, sshd.knownHosts()));
    s.update();

    assertThat(exported(s, "v1")).isEqualTo("1");
  }

  @Test
  void withoutAKeySettingTheSshConfigsIdentityFileLogsIn() throws Exception {
    Files.writeString(sshDir.resolve("config"), "Host 127.0.0.1\n  IdentityFile " + sshd.clientKey() + "\n");
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(null, sshd.knownHosts()));
    s.update();

    assertThat(exported(s, "v1")).isEqualTo("1");
  }

  @Test
  void theKeySettingIsTheOnlyKeyTriedEvenWhenTheSshConfigNamesAnother() throws Exception {
    // the config names the authorized key, the setting an unauthorized one: the setting alone counts
    Path unauthorized = sshd.clientKey().resolveSibling("host_key");
    Files.writeString(sshDir.resolve("config"), "Host 127.0.0.1\n  IdentityFile " + sshd.clientKey() + "\n");
    Files.copy(sshd.clientKey(), sshDir.resolve("id_ed25519"));
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(unauthorized, sshd.knownHosts()));

    assertThatThrownBy(s::update).isInstanceOf(VrException.class)
        .hasMessageEndingWith("refused: the server accepted none of the keys tried (" + unauthorized + ")");
  }

  @Test
  void anSshConfigThatTurnsHostKeyCheckingOffIsOverruled() throws Exception {
    Files.writeString(sshDir.resolve("config"),
        "Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  GlobalKnownHostsFile /dev/null\n");
    RepoStore s = RepoStore.of(Repo.Vcs.GIT, sshUrl(), store, settings(sshd.clientKey(), sshd.emptyKnownHosts()));

    assertThatThrownBy(s::update).isInstanceOf(VrException.class).hasMessageContaining("is unknown");
    assertThat(store).doesNotExist();
  }

  /** The daemon's host key fingerprint as OpenSSH's own ssh-keygen prints it ({@code SHA256:...}). */
  private String hostFingerprint() throws Exception {
    Process p = new ProcessBuilder("ssh-keygen", "-l", "-f", sshd.clientKey().resolveSibling("host_key.pub").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return "ssh-ed25519 " + out.split("\\s+")[1];
  }
}
