package vr.common.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.testing.SshDaemon;

/** The SSH client against a real OpenSSH sshd on loopback. */
class SshIT {
  @TempDir static Path tmp;
  static SshDaemon sshd;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshDaemon.start(tmp.resolve("sshd"));
  }

  @AfterAll
  static void stop() {
    sshd.close();
  }

  static SshTarget target(Path knownHosts, boolean acceptUnknown) {
    return new SshTarget("127.0.0.1", sshd.port(), "root", null, sshd.clientKey(), knownHosts, acceptUnknown, Duration.ofSeconds(10));
  }

  @Test
  void runsCommandsAsRootAndTransfersFilesOverSftp() {
    try (SshConnection c = Ssh.connect(target(sshd.knownHosts(), false))) {
      ExecResult r = c.asRoot("id -u; echo err >&2; exit 3");
      assertThat(r.exitCode()).isEqualTo(3);
      assertThat(r.stdout()).isEqualTo("0\n");
      assertThat(r.stderr()).isEqualTo("err\n");
      assertThat(c.exec("cat", "piped".getBytes(StandardCharsets.UTF_8)).stdout()).isEqualTo("piped");
      String remote = tmp.resolve("up.txt").toString();
      c.upload("über".getBytes(StandardCharsets.UTF_8), remote);
      assertThat(new String(c.download(remote), StandardCharsets.UTF_8)).isEqualTo("über");
    }
  }

  @Test
  void refusesAnUnknownHostKeyUnlessConfiguredToAcceptAndRecordIt() throws Exception {
    Path kh = tmp.resolve("kh_unknown");
    Files.writeString(kh, "");
    assertThatThrownBy(() -> Ssh.connect(target(kh, false)))
        .isInstanceOf(VrException.class)
        .hasMessageContaining("host key of 127.0.0.1:" + sshd.port() + " is not trusted")
        .hasMessageContaining("accept_unknown_hosts");
    try (SshConnection c = Ssh.connect(target(kh, true))) {
      assertThat(c.exec("echo ok").stdout()).isEqualTo("ok\n");
    }
    assertThat(Files.readString(kh)).contains("[127.0.0.1]:" + sshd.port());
    try (SshConnection c = Ssh.connect(target(kh, false))) {
      assertThat(c.exec("echo again").stdout()).isEqualTo("again\n");
    }
  }

  @Test
  void refusesAChangedHostKeyEvenWhenAcceptingUnknownOnes() throws Exception {
    Path kh = tmp.resolve("kh_changed");
    String otherKey = Files.readString(sshd.clientKey().resolveSibling("client_key.pub")).strip();
    Files.writeString(kh, "[127.0.0.1]:" + sshd.port() + " " + otherKey + "\n");
    assertThatThrownBy(() -> Ssh.connect(target(kh, true))).isInstanceOf(VrException.class).hasMessageContaining("is not trusted");
  }

  @Test
  void aRemoteLockExcludesOthersAndIsReleasedWhenItsConnectionDies() {
    String lock = tmp.resolve("locks/test.lock").toString();
    SshConnection first = Ssh.connect(target(sshd.knownHosts(), false));
    first.lock(lock, Duration.ofSeconds(5));
    try (SshConnection second = Ssh.connect(target(sshd.knownHosts(), false))) {
      assertThatThrownBy(() -> second.lock(lock, Duration.ofSeconds(1)))
          .isInstanceOf(VrException.class).hasMessageContaining("could not lock " + lock);
      first.close(); // without releasing: the holder dies with the connection
      try (SshConnection.RemoteLock l = second.lock(lock, Duration.ofSeconds(10))) {
        assertThat(l).isNotNull();
      }
      try (SshConnection.RemoteLock again = second.lock(lock, Duration.ofSeconds(2))) {
        assertThat(again).isNotNull(); // released by close()
      }
    }
  }

  @Test
  void aPooledConnectionIsReusedForTheNextChange() {
    SshTarget t = target(sshd.knownHosts(), false);
    SshConnection first = Ssh.pooled(t);
    String pid = first.exec("echo $PPID").stdout();
    first.close();
    try (SshConnection second = Ssh.pooled(t)) {
      assertThat(second).isSameAs(first);
      assertThat(second.exec("echo $PPID").stdout()).isEqualTo(pid); // the same sshd session process
      try (SshConnection third = Ssh.pooled(t)) {
        assertThat(third).isNotSameAs(second); // in use: a second caller gets its own
      }
    }
  }

  @Test
  void aClosedPortIsAClearError() {
    SshTarget t = new SshTarget("127.0.0.1", vr.common.testing.Daemons.freePort(), "root", null, sshd.clientKey(), sshd.knownHosts(), false,
        Duration.ofSeconds(5));
    assertThatThrownBy(() -> Ssh.connect(t)).isInstanceOf(VrException.class).hasMessageEndingWith("ssh connection refused");
  }
}
