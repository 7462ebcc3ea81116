package vr.common.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vr.common.supervisor.SupervisorFault.Fault;
import vr.common.testing.Daemons;
import vr.common.testing.SupervisorDaemon;

/** The client against a real supervisord, over HTTP and over its Unix socket. */
class SupervisorClientIT {
  private static final String WEB = "shop-v7-prod-0f3c9a21-web-5012";
  private static final Duration FAST = Duration.ofMillis(10);

  @TempDir
  static Path tmp;
  static SupervisorDaemon sup;

  @BeforeAll
  static void startSupervisord() {
    sup = SupervisorDaemon.builder(tmp.resolve("sup"))
        .section("[program:" + WEB + "]\ncommand=sleep 1000\nautostart=false\nstartsecs=0\n")
        .section("[program:stubborn]\ncommand=sh -c 'trap \"\" TERM; exec sleep 1000'\nautostart=false\nstartsecs=0\nstopwaitsecs=2\n")
        .section("[program:echoer]\ncommand=sh -c 'echo hello from echoer; exec sleep 1000'\nautostart=true\nstartsecs=0\n")
        .start();
  }

  @AfterAll
  static void stopSupervisord() {
    if (sup != null) {
      sup.close();
    }
  }

  private static SupervisorClient client(String transport) {
    return SupervisorClient.connect(transport.equals("http") ? sup.httpUrl() : sup.unixUrl(), sup.username(),
        sup.password());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void getAllProcessInfoListsEveryProgram(String transport) {
    List<ProcessInfo> all = client(transport).getAllProcessInfo();
    assertThat(all).extracting(ProcessInfo::name).contains(WEB, "echoer");
    ProcessInfo web = all.stream().filter(i -> i.name().equals(WEB)).findFirst().orElseThrow();
    assertThat(web.group()).isEqualTo(WEB);
    assertThat(web.now()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void getProcessInfoOfAnUnknownNameIsABadNameFault(String transport) {
    assertThatThrownBy(() -> client(transport).getProcessInfo("nope"))
        .isInstanceOfSatisfying(SupervisorFault.class, f -> {
          assertThat(f.fault()).isEqualTo(Fault.BAD_NAME);
          assertThat(f.name()).isEqualTo("BAD_NAME");
          assertThat(f.code()).isEqualTo(10);
        })
        .hasMessageContaining("getProcessInfo").hasMessageContaining("BAD_NAME");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void startToleratesAlreadyStartedAndStopToleratesNotRunning(String transport) {
    SupervisorClient c = client(transport);
    assertThat(c.startProcess(WEB)).isTrue();
    assertThat(c.getProcessInfo(WEB).statename()).isEqualTo("RUNNING");
    assertThat(c.getProcessInfo(WEB).pid()).isPositive();
    assertThat(c.startProcess(WEB)).isFalse();
    assertThat(c.stopProcess(WEB)).isTrue();
    assertThat(c.getProcessInfo(WEB).statename()).isEqualTo("STOPPED");
    assertThat(c.stopProcess(WEB)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void tailProcessStdoutLogReturnsWhatTheProgramPrinted(String transport) {
    SupervisorClient c = client(transport);
    LogTail tail = null;
    for (int i = 0; i < 100; i++) {
      tail = c.tailProcessStdoutLog("echoer", 0, 1000);
      if (tail.text().contains("hello")) {
        break;
      }
      Daemons.sleep(50);
    }
    assertThat(tail.text()).isEqualTo("hello from echoer\n");
    assertThat(tail.offset()).isEqualTo(18);
    assertThat(tail.overflow()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void reloadConfigThenAddAndRemoveAProcessGroup(String transport) throws IOException {
    SupervisorClient c = client(transport);
    String name = "added_" + transport;
    Files.writeString(sup.includeDir().resolve(name + ".conf"),
        "[program:" + name + "]\ncommand=sleep 1000\nautostart=true\nstartsecs=0\n");
    ReloadResult r = c.reloadConfig();
    assertThat(r.added()).contains(name);
    assertThat(r.removed()).isEmpty();
    c.addProcessGroup(name);
    assertThatThrownBy(() -> c.addProcessGroup(name)).isInstanceOfSatisfying(SupervisorFault.class,
        f -> assertThat(f.fault()).isEqualTo(Fault.ALREADY_ADDED));
    awaitState(c, name, "RUNNING");
    assertThatThrownBy(() -> c.removeProcessGroup(name)).isInstanceOfSatisfying(SupervisorFault.class,
        f -> assertThat(f.fault()).isEqualTo(Fault.STILL_RUNNING));
    c.stopProcess(name);
    c.removeProcessGroup(name);
    assertThatThrownBy(() -> c.getProcessInfo(name)).isInstanceOfSatisfying(SupervisorFault.class,
        f -> assertThat(f.fault()).isEqualTo(Fault.BAD_NAME));
    Files.delete(sup.includeDir().resolve(name + ".conf"));
    ReloadResult after = c.reloadConfig();
    assertThat(after.added()).doesNotContain(name);
    assertThat(after.changed()).doesNotContain(name);
  }

  @Test
  void aStopThatOutlastsTheCallTimeoutWaitsForTheProgramInsteadOfFailing() {
    // the program ignores TERM: supervisord answers only after stopwaitsecs (2 s) and a KILL
    SupervisorClient c = SupervisorClient.connect(sup.unixUrl(), sup.username(), sup.password(),
        SupervisorClient.Options.defaults().withTimeout(Duration.ofSeconds(1)).withRetries(0, FAST));
    c.startProcess("stubborn");
    assertThat(c.stopProcess("stubborn")).isTrue();
    assertThat(c.getProcessInfo("stubborn").statename()).isEqualTo("STOPPED");
  }

  @Test
  void hostReadsRealProcsWithParsedNames() {
    Host host = new Host("app1.example.com", client("http"));
    Proc web = host.proc(WEB, false);
    assertThat(web.asMap()).containsEntry("app_name", "shop").containsEntry("port", 5012)
        .containsEntry("id", "app1.example.com-" + WEB).containsEntry("host", "app1.example.com");
    assertThat((String) web.asMap().get("now")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void badCredentialsAreAClear401Error(String transport) {
    SupervisorClient c = SupervisorClient.connect(transport.equals("http") ? sup.httpUrl() : sup.unixUrl(),
        sup.username(), "wrong");
    assertThatThrownBy(c::getAllProcessInfo).isInstanceOf(SupervisorAuthException.class)
        .hasMessageContaining("rejected the credentials (HTTP 401)");
  }

  @Test
  void credentialsInTheUrlWorkAsTheOriginalsServerProxyTookThem() {
    String url = "http://" + sup.username() + ":" + sup.password() + "@127.0.0.1:" + sup.port();
    assertThat(SupervisorClient.connect(url, null, null).getState()).isEqualTo("RUNNING");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard, not a performance bound
  void deadSupervisordOverHttpIsAClearErrorAfterTheRetries() {
    int port = Daemons.freePort(); // nothing listens there
    SupervisorClient c = SupervisorClient.connect("http://127.0.0.1:" + port, "u", "p",
        SupervisorClient.Options.defaults().withTimeout(Duration.ofSeconds(2)).withRetries(2, FAST));
    assertThatThrownBy(c::getAllProcessInfo).isInstanceOf(SupervisorUnreachableException.class)
        .hasMessageContaining("supervisor at http://127.0.0.1:" + port + "/RPC2 is unreachable")
        .hasMessageContaining("3 attempts");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void deadSupervisordOverUnixIsAClearError() {
    SupervisorClient c = SupervisorClient.connect("unix://" + tmp.resolve("no-such.sock"), null, null,
        SupervisorClient.Options.defaults().withRetries(1, FAST));
    assertThatThrownBy(() -> c.startProcess("x")).isInstanceOf(SupervisorUnreachableException.class)
        .hasMessageContaining("is unreachable").hasMessageContaining("2 attempts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aServerThatNeverAnswersTimesOut(String transport) throws Exception {
    // accepts connections and reads, never answers: a hung supervisord
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException closed) {
          // test over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      SupervisorClient.Options opts = SupervisorClient.Options.defaults().withTimeout(Duration.ofMillis(500)).withRetries(1, FAST);
      SupervisorClient c;
      java.nio.channels.ServerSocketChannel unix = null;
      if (transport.equals("http")) {
        c = SupervisorClient.connect("http://127.0.0.1:" + silent.getLocalPort(), null, null, opts);
      } else {
        Path sock = tmp.resolve("silent.sock");
        unix = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        unix.bind(java.net.UnixDomainSocketAddress.of(sock));
        c = SupervisorClient.connect("unix://" + sock, null, null, opts);
      }
      try {
        assertThatThrownBy(c::getAllProcessInfo).isInstanceOf(SupervisorUnreachableException.class)
            .hasMessageContaining("no answer from").hasMessageContaining("within 500 ms");
      } finally {
        if (unix != null) {
          unix.close();
        }
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "unix"})
  void anOversizedResponseIsRefused(String transport) {
    SupervisorClient c = SupervisorClient.connect(transport.equals("http") ? sup.httpUrl() : sup.unixUrl(),
        sup.username(), sup.password(), SupervisorClient.Options.defaults().withMaxResponseBytes(200));
    assertThatThrownBy(c::getAllProcessInfo).isInstanceOf(XmlRpcProtocolException.class)
        .hasMessageContaining("exceeds 200 bytes");
  }

  static void awaitState(SupervisorClient c, String name, String state) {
    for (int i = 0; i < 200; i++) {
      if (c.getProcessInfo(name).statename().equals(state)) {
        return;
      }
      Daemons.sleep(50);
    }
    throw new AssertionError(name + " never reached " + state + ": " + c.getProcessInfo(name));
  }
}
