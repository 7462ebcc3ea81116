package vr.common.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.ssh.HostUnreachableException.Reason;
import vr.common.supervisor.SupervisorClient;
import vr.common.testing.Daemons;
import vr.common.testing.Prereqs;
import vr.common.testing.SshDaemon;
import vr.common.testing.SupervisorDaemon;

/** {@link SshHosts} against two real OpenSSH sshds on loopback, a port that never answers and one that refuses. */
class SshHostsIT {
  @TempDir static Path tmp;
  static SshDaemon a;
  static SshDaemon b;
  static Tarpit tarpit;
  SshHosts hosts;

  @BeforeAll
  static void start() throws Exception {
    a = SshDaemon.start(tmp.resolve("a"));
    b = SshDaemon.start(tmp.resolve("b"));
    tarpit = new Tarpit();
  }

  @AfterAll
  static void stop() throws IOException {
    tarpit.close();
    a.close();
    b.close();
  }

  @BeforeEach
  void client() throws IOException {
    hosts = SshHosts.start(settings().withConnectTimeout(Duration.ofSeconds(3)));
  }

  @AfterEach
  void close() {
    hosts.close();
  }

  /** One known_hosts trusting both daemons, and a's client key (b's authorized_keys gets it too). */
  static SshSettings settings() throws IOException {
    Path kh = tmp.resolve("known_hosts");
    if (!Files.exists(kh)) {
      Files.writeString(kh, Files.readString(a.knownHosts()) + Files.readString(b.knownHosts()));
      Files.copy(a.clientKey().resolveSibling("client_key.pub"), tmp.resolve("b/authorized_keys"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return SshSettings.of(kh, List.of(a.clientKey()));
  }

  static String host(SshDaemon d) {
    return d.hostAndPort();
  }

  /** Accepts TCP connections and never says anything: a hung sshd or a host that stopped answering. */
  static final class Tarpit implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> held = new CopyOnWriteArrayList<>();

    Tarpit() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            held.add(server.accept());
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    String host() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aDeadHostDoesNotHoldUpCallsToOtherHosts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      long t0 = System.nanoTime();
      List<Future<CommandResult>> dead = new ArrayList<>();
      for (int i = 0; i < 6; i++) { // more than its pool: some wait for a slot, some connect
        dead.add(pool.submit(() -> hosts.exec(tarpit.host(), "true", ExecOptions.defaults())));
      }
      Thread.sleep(100); // the dead host's connects are under way
      List<Future<CommandResult>> live = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String h = host(i % 2 == 0 ? a : b);
        live.add(pool.submit(() -> hosts.exec(h, "echo $SSH_CONNECTION", ExecOptions.defaults())));
      }
      for (Future<CommandResult> f : live) {
        assertThat(f.get(30, TimeUnit.SECONDS).exitCode()).isZero();
      }
      long liveMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(dead).allSatisfy(f -> assertThat(f.isDone()).as("dead host calls still waiting").isFalse());
      for (Future<CommandResult> f : dead) {
        assertThatThrownBy(f::get).hasCauseInstanceOf(VrException.class);
      }
      long deadMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("SshHostsIT: 10 commands on 2 live hosts done in %d ms while 6 calls to a dead host took %d ms (connect timeout 3 s)%n",
          liveMs, deadMs);
      assertThat(hosts.connections(host(a))).isBetween(1, 4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDeadHostIsATimeoutAndAClosedPortIsRefused() {
    assertThatThrownBy(() -> hosts.exec(tarpit.host(), "true", ExecOptions.defaults()))
        .isInstanceOfSatisfying(HostUnreachableException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
        .hasMessage(tarpit.host() + ": ssh: no login within 3 s");
    String closed = "127.0.0.1:" + Daemons.freePort();
    assertThatThrownBy(() -> hosts.exec(closed, "true", ExecOptions.defaults()))
        .isInstanceOfSatisfying(HostUnreachableException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REFUSED))
        .hasMessage(closed + ": ssh: connection refused");
  }

  @Test
  void aKeyTheHostDoesNotAcceptIsAnAuthFailure() throws Exception {
    Path other = tmp.resolve("other_key");
    if (!Files.exists(other)) {
      run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    }
    try (SshHosts h = SshHosts.start(new SshSettings(settings().knownHosts(), List.of(other), "root", Duration.ofSeconds(5), 1, 1, null))) {
      assertThatThrownBy(() -> h.exec(host(a), "true", ExecOptions.defaults()))
          .isInstanceOfSatisfying(HostUnreachableException.class, e -> assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED))
          .hasMessage(host(a) + ": ssh: login as root failed: no key was accepted");
    }
  }

  @Test
  void anUnknownHostKeyIsRefusedNamingItsFingerprint() throws Exception {
    try (SshHosts h = SshHosts.start(SshSettings.of(a.emptyKnownHosts(), List.of(a.clientKey())))) {
      assertThatThrownBy(() -> h.exec(host(a), "true", ExecOptions.defaults()))
          .isInstanceOfSatisfying(HostUnreachableException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_HOST_KEY))
          .hasMessage(host(a) + ": ssh: host key ssh-ed25519 " + fingerprint(tmp.resolve("a/host_key.pub")) + " is not in "
              + a.emptyKnownHosts() + "; refused (check the fingerprint, then add the key)");
    }
    assertThat(Files.readString(a.emptyKnownHosts())).isEmpty(); // never recorded
  }

  @Test
  void aChangedHostKeyIsRefusedNamingBothFingerprints() throws Exception {
    Path kh = tmp.resolve("kh_changed");
    Files.writeString(kh, "[127.0.0.1]:" + a.port() + " " + Files.readString(tmp.resolve("b/host_key.pub")));
    try (SshHosts h = SshHosts.start(SshSettings.of(kh, List.of(a.clientKey())))) {
      assertThatThrownBy(() -> h.exec(host(a), "true", ExecOptions.defaults()))
          .isInstanceOfSatisfying(HostUnreachableException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.CHANGED_HOST_KEY))
          .hasMessageStartingWith(host(a) + ": ssh: host key changed: it is now ssh-ed25519 " + fingerprint(tmp.resolve("a/host_key.pub"))
              + ", " + kh + " has " + fingerprint(tmp.resolve("b/host_key.pub")) + "; refused");
    }
  }

  @Test
  void exitTwoIsAnInputErrorAndExitOneAnOperationErrorWithTheRemotesMessage() {
    assertThatThrownBy(() -> hosts.exec(host(a), "echo working; echo 'vrun: error: proc.yaml line 4: port must be an integer' >&2; exit 2",
        ExecOptions.defaults()).orThrow())
        .isExactlyInstanceOf(InputException.class)
        .hasMessage(host(a) + ": vrun: proc.yaml line 4: port must be an integer");
    assertThatThrownBy(() -> hosts.exec(host(b), "echo 'vbuild: error: buildpack failed' >&2; exit 1", ExecOptions.defaults()).orThrow())
        .isExactlyInstanceOf(VrException.class)
        .hasMessage(host(b) + ": vbuild: buildpack failed");
    CommandResult ok = hosts.exec(host(a), "cat; echo; echo err >&2", ExecOptions.defaults().stdin("in".getBytes(StandardCharsets.UTF_8)));
    assertThat(ok.orThrow().stdout()).isEqualTo("in\n");
    assertThat(ok.stderr()).isEqualTo("err\n");
  }

  @Test
  void aCommandOverItsTimeoutIsKilledOnTheHost() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> hosts.exec(host(a), "sleep 3101 & sleep 3102; wait", ExecOptions.defaults().timeout(Duration.ofSeconds(1))))
        .isExactlyInstanceOf(VrException.class)
        .hasMessage(host(a) + ": command did not finish within 1 s and was killed: sleep 3101 & sleep 3102; wait");
    System.out.printf("SshHostsIT: timeout 1 s, exec returned after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(processes("sleep 310")).isEmpty();
    assertThat(hosts.exec(host(a), "echo still usable", ExecOptions.defaults()).stdout()).isEqualTo("still usable\n");
  }

  @Test
  void cancellingKillsTheCommandOnTheHost() throws Exception {
    Future<CommandResult> f = hosts.submit(host(b), "sleep 3201", ExecOptions.defaults().timeout(Duration.ofMinutes(30)));
    awaitProcess("sleep 3201");
    f.cancel(true);
    assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
    awaitGone("sleep 3201");

    Cancellation c = new Cancellation();
    Future<CommandResult> g = Executors.newSingleThreadExecutor().submit(
        () -> hosts.exec(host(b), "sleep 3202", ExecOptions.defaults().cancellation(c)));
    awaitProcess("sleep 3202");
    c.cancel();
    assertThatThrownBy(g::get).hasCauseInstanceOf(CancellationException.class).hasMessageContaining("cancelled: sleep 3202");
    assertThat(processes("sleep 3202")).isEmpty();
  }

  @Test
  void twoHundredMegabytesStreamLineByLineWhileTheResultKeepsOnlyItsBound() {
    AtomicLong lines = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong longest = new AtomicLong();
    String line = "x".repeat(99); // 100 bytes with the newline
    long t0 = System.nanoTime();
    CommandResult r = hosts.exec(host(a), "yes " + line + " | head -n 2000000; echo done >&2", ExecOptions.defaults()
        .maxCapturedBytes(16 * 1024)
        .onLine((s, l) -> {
          if (s == OutputListener.Stream.STDOUT) {
            lines.incrementAndGet();
            bytes.addAndGet(l.length() + 1);
            longest.accumulateAndGet(l.length(), Math::max);
          }
        }));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("SshHostsIT: 200 MB of output streamed in %d ms (%.0f MB/s)%n", ms, 200_000.0 / ms);
    assertThat(r.exitCode()).isZero();
    assertThat(lines.get()).isEqualTo(2_000_000);
    assertThat(bytes.get()).isEqualTo(200_000_000L);
    assertThat(r.stdoutBytes()).isEqualTo(200_000_000L);
    assertThat(longest.get()).isEqualTo(99);
    assertThat(r.stdout().length()).isLessThan(17 * 1024);
    assertThat(r.stdout()).startsWith(line + "\n").endsWith(line + "\n").contains("bytes not kept");
    assertThat(r.stderr()).isEqualTo("done\n");
  }

  @Test
  void anUploadReplacesTheFileAtomicallyWithItsModeAndLeavesNothingBehind() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("up"));
    String target = dir.resolve("proc.yaml").toString();
    hosts.upload(host(a), "old\n".getBytes(StandardCharsets.UTF_8), target, 0600);
    hosts.upload(host(a), "new: über\n".getBytes(StandardCharsets.UTF_8), target, 0640);
    assertThat(Files.readString(dir.resolve("proc.yaml"))).isEqualTo("new: über\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("proc.yaml")))).isEqualTo("rw-r-----");
    assertThat(names(dir)).containsExactly("proc.yaml");
    assertThat(new String(hosts.read(host(a), target, 100), StandardCharsets.UTF_8)).isEqualTo("new: über\n");
    Path local = tmp.resolve("down.yaml");
    hosts.download(host(a), target, local);
    assertThat(Files.readString(local)).isEqualTo("new: über\n");
    assertThatThrownBy(() -> hosts.read(host(a), target, 5)).hasMessageContaining("is larger than 5 bytes");
  }

  @Test
  void anUploadThatFailsMidwayLeavesTheOldFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("up2"));
    String target = dir.resolve("build.tar.gz").toString();
    hosts.upload(host(a), "old".getBytes(StandardCharsets.UTF_8), target, 0644);
    InputStream failing = new InputStream() {
      final InputStream data = new ByteArrayInputStream(new byte[1 << 20]);
      int read;

      @Override
      public int read() throws IOException {
        throw new IOException("unused");
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        if (read > 300_000) {
          throw new IOException("local disk went away");
        }
        int n = data.read(buf, off, len);
        read += n;
        return n;
      }
    };
    assertThatThrownBy(() -> hosts.upload(host(a), failing, target, 0644))
        .isInstanceOf(VrException.class).hasMessage(host(a) + ": cannot write " + target + ": local disk went away");
    assertThat(Files.readString(dir.resolve("build.tar.gz"))).isEqualTo("old");
    assertThat(names(dir)).containsExactly("build.tar.gz");
  }

  @Test
  void forwardsToASupervisordListeningOnlyOnLoopbackOrAUnixSocket() throws Exception {
    try (SupervisorDaemon sup = SupervisorDaemon.builder(tmp.resolve("sup")).start()) {
      try (PortForward tcp = hosts.forward(host(a), ForwardTarget.tcp("127.0.0.1", sup.port()));
          PortForward unix = hosts.forward(host(a), ForwardTarget.unixSocket(sup.socket().toString()))) {
        assertThat(tcp.localPort()).isNotEqualTo(sup.port());
        for (PortForward f : List.of(tcp, unix)) {
          SupervisorClient c = SupervisorClient.connect("http://127.0.0.1:" + f.localPort() + "/RPC2", sup.username(), sup.password());
          assertThat(c.getState()).isEqualTo("RUNNING");
          assertThat(c.getAllProcessInfo()).isEmpty();
          assertThat(c.getState()).isEqualTo("RUNNING"); // a second connection through the same forward
        }
      }
      assertThatThrownBy(() -> hosts.forward(host(a), ForwardTarget.unixSocket(tmp.resolve("nope.sock").toString())))
          .isInstanceOf(VrException.class).hasMessageStartingWith(host(a) + ": cannot forward to unix:" + tmp.resolve("nope.sock"));
    }
  }

  @Test
  void aRemoteLockExcludesOthersAndIsReleasedOnCloseOrWhenItsClientDies() throws Exception {
    String lock = tmp.resolve("locks/test.lock").toString();
    try (SshHosts other = SshHosts.start(settings())) {
      other.lock(host(a), lock, Duration.ofSeconds(5)); // never closed: released when its client closes
      assertThatThrownBy(() -> hosts.lock(host(a), lock, Duration.ofSeconds(1)))
          .isInstanceOf(VrException.class).hasMessage(host(a) + ": could not lock " + lock + " within 1 s");
      assertThat(hosts.connections(host(a))).isEqualTo(1); // the failed attempt gave its channel slot back
    }
    try (RemoteLock l = hosts.lock(host(a), lock, Duration.ofSeconds(10))) {
      assertThat(Files.exists(Path.of(lock))).isTrue();
      assertThatThrownBy(() -> hosts.lock(host(a), lock, Duration.ofSeconds(1))).hasMessageContaining("could not lock");
    }
    try (RemoteLock again = hosts.lock(host(a), lock, Duration.ofSeconds(2))) {
      assertThat(again).isNotNull(); // released by close()
    }
  }

  @Test
  void aResidentShellRunsScriptsOneAfterAnotherEachWithItsOwnStatusOutputAndVariables() {
    RemoteShell sh = hosts.shell(hosts.address(host(a)));
    CommandResult r = sh.run("x=1; echo out; echo err >&2; printf 'no newline'; exit 3", Duration.ofSeconds(10), 1024);
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\nno newline");
    assertThat(r.stderr()).isEqualTo("err\n");
    // stdin is /dev/null, so cat cannot eat the next script; the last script's variable is gone
    CommandResult next = sh.run("echo \"x=${x-unset}\"; cat; id -u", Duration.ofSeconds(10), 1024);
    assertThat(next.exitCode()).isZero();
    assertThat(next.stdout()).isEqualTo("x=unset\n0\n");
    assertThat(next.stderr()).isEmpty();
    assertThat(sh.run("", Duration.ofSeconds(10), 1024).stdout()).isEmpty();
    assertThat(hosts.shell(hosts.address(host(a)))).isSameAs(sh);
    assertThat(hosts.connections(host(a))).isEqualTo(1);
  }

  @Test
  void aResidentShellScriptOverItsTimeoutIsKilledOnTheHostAndTheNextCallStartsANewShell() {
    RemoteShell sh = hosts.shell(hosts.address(host(a)));
    assertThatThrownBy(() -> sh.run("sleep 31.25", Duration.ofMillis(500), 1024))
        .isInstanceOf(VrException.class).hasMessage(host(a) + ": script did not finish within 0.5 s and was killed");
    awaitGone("sleep 31.25");
    RemoteShell again = hosts.shell(hosts.address(host(a)));
    assertThat(again).isNotSameAs(sh);
    assertThat(again.run("echo ok", Duration.ofSeconds(10), 1024).stdout()).isEqualTo("ok\n");
    hosts.close();
    assertThatThrownBy(() -> again.run("echo ok", Duration.ofSeconds(10), 1024)).hasMessage(host(a) + ": the remote shell is closed");
  }

  @Test
  void aClosedClientRefusesCallsAndClosesItsConnections() {
    hosts.exec(host(a), "true", ExecOptions.defaults());
    assertThat(hosts.connections(host(a))).isEqualTo(1);
    hosts.exec(host(a), "true", ExecOptions.defaults());
    assertThat(hosts.connections(host(a))).isEqualTo(1); // reused
    hosts.close();
    assertThat(hosts.connections(host(a))).isZero();
    assertThatThrownBy(() -> hosts.exec(host(a), "true", ExecOptions.defaults())).hasMessage(host(a) + ": ssh client is closed");
  }

  @Test
  void aNonRootLoginRunsAsRootThroughSudoAndATimeoutStillKillsTheRootCommand() throws Exception {
    Prereqs.command("sudo", "sudo");
    String user = "vrsshit";
    Path sudoers = Path.of("/etc/sudoers.d", user);
    run("sh", "-c", "id " + user + " >/dev/null 2>&1 || useradd -m -d " + tmp.resolve("home") + " -s /bin/sh " + user);
    run("usermod", "-p", "*", user); // '!' (locked) makes sshd refuse the login
    // sshd reads authorized_keys as the user: let it through the test's private dirs to that one file
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(tmp.resolve("a"), PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(tmp.resolve("a/authorized_keys"), PosixFilePermissions.fromString("rw-r--r--"));
    try {
      Files.writeString(sudoers, user + " ALL=(root) NOPASSWD: ALL\n");
      Files.setPosixFilePermissions(sudoers, PosixFilePermissions.fromString("r--r-----"));
      String h = user + "@" + host(a);
      assertThat(hosts.exec(h, "id -un", ExecOptions.defaults()).stdout()).isEqualTo(user + "\n");
      assertThat(hosts.exec(h, "id -un", ExecOptions.defaults().sudo(true)).stdout()).isEqualTo("root\n");
      assertThatThrownBy(() -> hosts.exec(h, "sleep 3301", ExecOptions.defaults().sudo(true).timeout(Duration.ofSeconds(1))))
          .hasMessageContaining("did not finish within 1 s and was killed");
      awaitGone("sleep 3301");
      Files.delete(sudoers);
      assertThatThrownBy(() -> hosts.exec(h, "id", ExecOptions.defaults().sudo(true)).orThrow())
          .isExactlyInstanceOf(VrException.class).hasMessage(host(a) + ": exit 1: sudo: a password is required");
    } finally {
      Files.deleteIfExists(sudoers);
      hosts.close(); // its sessions run as the user, and userdel refuses a logged-in user
      run("sh", "-c", "userdel " + user + " 2>/dev/null; true");
    }
  }

  static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static String fingerprint(Path pub) throws Exception {
    return run("ssh-keygen", "-l", "-E", "sha256", "-f", pub.toString()).split(" ")[1];
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  /** Processes on this machine (where the test sshds run) whose command line contains {@code text}. */
  static List<String> processes(String text) {
    return ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
        .filter(c -> c.contains(text) && !c.contains("sh -c")).toList();
  }

  static void awaitProcess(String text) {
    for (int i = 0; i < 100 && processes(text).isEmpty(); i++) {
      Daemons.sleep(50);
    }
    assertThat(processes(text)).isNotEmpty();
  }

  static void awaitGone(String text) {
    for (int i = 0; i < 100 && !processes(text).isEmpty(); i++) {
      Daemons.sleep(50);
    }
    assertThat(processes(text)).isEmpty();
  }
}
