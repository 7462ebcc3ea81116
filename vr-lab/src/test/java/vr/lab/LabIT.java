package vr.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.common.hosts.RemoteProcs;
import vr.common.model.ProcData;
import vr.common.model.ProcName;
import vr.common.model.UptestResult;
import vr.common.ssh.ExecOptions;
import vr.common.ssh.ForwardTarget;
import vr.common.ssh.HostUnreachableException;
import vr.common.ssh.PortForward;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.SupervisorClient;
import vr.common.supervisor.SupervisorUnreachableException;
import vr.common.testing.Daemons;
import vr.common.testing.Lab;
import vr.common.testing.Stacks;

/**
 * Two real app hosts on this machine ({@code scripts/lab up 2}) reached as the server will reach them: over SSH
 * with the lab's key and known_hosts, supervisord through a forward of its socket, procs deployed and uptested
 * with {@link RemoteProcs}. The tests run in order: the later ones kill daemons of the second host, and the
 * last takes the lab down and checks that nothing of it is left (the extension's own {@code down} after the
 * class then finds nothing to do, and takes the lab down when an earlier test failed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {
  @TempDir static Path tmp;

  static final java.time.Instant STARTED = java.time.Instant.now();
  @RegisterExtension static final Lab lab = Lab.of(2, () -> tools(tmp.resolve("dist")));

  private static SshHosts ssh;
  private static final int PORT = Daemons.freePort();
  private static final Map<String, ProcName> deployed = new LinkedHashMap<>();

  @BeforeAll
  static void connect() {
    ssh = SshHosts.start(SshSettings.of(lab.hosts().get(0).knownHosts(), List.of(lab.hosts().get(0).keyFile())));
  }

  @AfterAll
  static void disconnect() {
    if (ssh != null) {
      ssh.close();
    }
  }

  static Path tools(Path dist) throws IOException {
    return Lab.toolsFromTargets(dist);
  }

  private static RemoteProcs procs(Lab.Host h) {
    return new RemoteProcs(ssh, new RemoteProcs.HostLayout(h.root(), h.vrun().toString(), h.supervisorSocket().toString(),
        h.includeDir().toString(), false, Duration.ofMinutes(5)));
  }

  @Test
  @Order(1)
  void eachHostIsReachedOverSshByNameWithTheLabsKeyAndSeesItsOwnAddressAndApps() throws Exception {
    for (Lab.Host h : lab.hosts()) {
      assertThat(InetAddress.getByName(h.name()).getHostAddress()).isEqualTo(h.address());
      Files.writeString(h.rootDir().resolve("whoami"), h.name() + "\n");
      String out = ssh.exec(h.ssh(), "ip -4 -o addr show eth0; cat /apps/whoami; ip route; getent hosts "
          + lab.hosts().get(1 - lab.hosts().indexOf(h)).name(), ExecOptions.defaults()).orThrow().stdout();
      assertThat(out).contains("inet " + h.address() + "/24").contains(h.name() + "\n")
          .doesNotContain("default").contains(lab.hosts().get(1 - lab.hosts().indexOf(h)).address());
    }
  }

  @Test
  @Order(2)
  void aHostKeyThatIsNotInTheKnownHostsIsRefused() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
    try (SshHosts stranger = SshHosts.start(SshSettings.of(empty, List.of(lab.hosts().get(0).keyFile())))) {
      assertThatThrownBy(() -> stranger.exec(lab.hosts().get(0).ssh(), "true", ExecOptions.defaults()))
          .isInstanceOfSatisfying(HostUnreachableException.class,
              e -> assertThat(e.reason()).isEqualTo(HostUnreachableException.Reason.UNKNOWN_HOST_KEY));
    }
  }

  @Test
  @Order(3)
  void eachHostsSupervisordIsReachedThroughAForwardAndRunsProcPublisher() throws Exception {
    for (Lab.Host h : lab.hosts()) {
      try (PortForward f = ssh.forward(h.ssh(), ForwardTarget.unixSocket(h.supervisorSocket().toString()))) {
        SupervisorClient c = SupervisorClient.connect("http://127.0.0.1:" + f.localPort() + "/RPC2", null, null);
        assertThat(c.getAllProcessInfo()).extracting(ProcessInfo::name, ProcessInfo::statename)
            .contains(org.assertj.core.groups.Tuple.tuple("proc_publisher", "RUNNING"));
      }
    }
  }

  @Test
  @Order(4)
  void aBusyboxProcOnEachHostOnTheSamePortIsReachableFromHereAndPassesItsUptests() throws Exception {
    Path image = Stacks.busyboxImage(tmp.resolve("busybox.tar.gz"));
    Path src = Files.createDirectories(tmp.resolve("build/www"));
    Files.writeString(src.resolve("index.html"), "hello from the lab\n");
    // slow to listen, as real apps are: the uptests must wait for the port (RemoteProcs.BOOT_TIMEOUT), not fail
    Files.writeString(tmp.resolve("build/Procfile"), "web: sleep 3 && exec busybox httpd -f -p $PORT -h /app/www\n");
    Path up = Files.createDirectories(tmp.resolve("build/uptests/web")).resolve("01_http");
    Files.writeString(up, "#!/bin/sh\nbusybox wget -q -O- http://$1:$2/ | grep -q 'hello from the lab'\n");
    Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path build = tmp.resolve("labdemo.tar.gz");
    Process tar = new ProcessBuilder("tar", "-C", tmp.resolve("build").toString(), "-czf", build.toString(), ".").inheritIO().start();
    assertThat(tar.waitFor()).isZero();
    for (Lab.Host h : lab.hosts()) {
      // the host sees this machine's files but its own /apps, so plain paths serve as URLs
      String yaml = "app_name: labdemo\nversion: v1\nconfig_name: test\nrelease_hash: 0123abcd\nproc_name: web\n"
          + "host: " + h.address() + "\nport: " + PORT + "\nuser: nobody\ngroup: nogroup\n"
          + "image_name: busybox\nimage_url: " + image + "\nbuild_url: " + build + "\n";
      Path file = Files.writeString(tmp.resolve(h.name() + ".yaml"), yaml);
      ProcName name = ProcData.load(file).name();
      procs(h).deploy(h.ssh(), name, yaml.getBytes(StandardCharsets.UTF_8));
      deployed.put(h.name(), name);
    }
    for (Lab.Host h : lab.hosts()) {
      assertThat(procs(h).uptest(h.ssh(), deployed.get(h.name()), Duration.ofSeconds(20)))
          .containsExactly(new UptestResult("01_http", "", true));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (Lab.Host h : lab.hosts()) {
      String body = null;
      for (int i = 0; i < 100 && body == null; i++) {
        try {
          body = http.send(HttpRequest.newBuilder(URI.create("http://" + h.address() + ":" + PORT + "/")).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      assertThat(body).as(h.name() + ":" + PORT).isEqualTo("hello from the lab\n");
    }
    // each proc listens in its host only: nothing on this port in the root namespace
    try (Socket s = new Socket()) {
      assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", PORT), 1000)).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  @Order(5)
  void aHostWhoseSupervisordIsKilledIsUnreachableNotEmpty() throws Exception {
    Lab.Host h = lab.hosts().get(1);
    assertThat(procs(h).procs(h.ssh())).extracting(ProcessInfo::name).contains(deployed.get(h.name()).format());
    ProcessHandle sup = ProcessHandle.of(Daemons.readPid(h.pidFile("supervisord"))).orElseThrow();
    sup.destroyForcibly();
    sup.onExit().get();
    assertThatThrownBy(() -> procs(h).procs(h.ssh())).isInstanceOf(SupervisorUnreachableException.class)
        .hasMessageContaining(h.supervisorSocket().toString());
    assertThat(procs(lab.hosts().get(0)).procs(lab.hosts().get(0).ssh())).isNotEmpty();
  }

  @Test
  @Order(6)
  void aHostWhoseSshdIsKilledIsUnreachable() throws Exception {
    Lab.Host h = lab.hosts().get(1);
    // the listener and every session it forked (they live in the host's network namespace)
    for (long pid : netnsPids(h.netns())) {
      if (comm(pid).equals("sshd")) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    Daemons.sleep(300);
    try (SshHosts fresh = SshHosts.start(SshSettings.of(h.knownHosts(), List.of(h.keyFile())))) {
      assertThatThrownBy(() -> new RemoteProcs(fresh, new RemoteProcs.HostLayout(h.root(), h.vrun().toString(),
          h.supervisorSocket().toString(), h.includeDir().toString(), false, null)).procs(h.ssh()))
          .isInstanceOfSatisfying(HostUnreachableException.class,
              e -> assertThat(e.reason()).isEqualTo(HostUnreachableException.Reason.REFUSED));
    }
  }

  @Test
  @Order(7)
  void downLeavesNothing() throws Exception {
    Set<String> containers = new TreeSet<>();
    for (Lab.Host h : lab.hosts()) {
      try (Stream<Path> s = Files.list(h.rootDir().resolve("procs"))) {
        for (Path proc : s.toList()) {
          try (Stream<Path> l = Files.list(proc.resolve("lxc"))) {
            l.forEach(c -> containers.add(c.getFileName().toString()));
          }
        }
      }
    }
    assertThat(containers).as("the running procs' containers").isNotEmpty();
    Path state = lab.stateDir();

    lab.down();

    String name = lab.name();
    assertThat(lab.status().get("state").asText()).isEqualTo("down");
    assertThat(Files.exists(state)).as(state.toString()).isFalse();
    List<String> left = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/run/netns"))) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name + "-")).forEach(n -> left.add("netns " + n));
    } catch (java.nio.file.NoSuchFileException e) {
      // no namespace at all
    }
    try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name + "-")).forEach(n -> left.add("device " + n));
    }
    Files.readAllLines(Path.of("/etc/hosts")).stream().filter(l -> l.contains(name)).forEach(l -> left.add("/etc/hosts " + l));
    try (Stream<Path> s = Files.list(Path.of("/run/lock"))) {
      // made since this class started (an older scripts/lab left /run/lock/vr-lab.lock behind)
      s.filter(p -> p.getFileName().toString().contains("lab"))
          .filter(p -> p.toFile().lastModified() >= STARTED.toEpochMilli() - 1000)
          .forEach(p -> left.add("lock file " + p));
    }
    Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains(state.toString())).forEach(l -> left.add("mount " + l));
    for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
      String cmd = p.info().commandLine().orElse("");
      if (cmd.contains(state.toString())) {
        left.add("process " + p.pid() + " " + cmd);
      }
    }
    try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
      s.filter(Files::isDirectory).filter(d -> containers.stream().anyMatch(c -> d.getFileName().toString().contains(c)))
          .forEach(d -> left.add("cgroup " + d));
    }
    for (String c : containers) {
      if (Files.exists(Path.of("/run/lxc/lock", c))) {
        left.add("lxc " + c);
      }
    }
    assertThat(left).isEmpty();
  }

  private static List<Long> netnsPids(String netns) throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "pids", netns).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
