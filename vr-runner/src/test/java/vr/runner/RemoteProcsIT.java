package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vr.common.InputException;
import vr.common.hosts.RemoteProcs;
import vr.common.model.ProcData;
import vr.common.model.ProcName;
import vr.common.model.UptestResult;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.supervisor.SupervisorClient;
import vr.common.supervisor.SupervisorFault;
import vr.common.testing.Daemons;
import vr.common.testing.SshDaemon;
import vr.common.testing.SupervisorDaemon;

/**
 * A proc deployed, uptested and removed on a "remote" host as the server will do it: over a real sshd, with
 * supervisord reached through a forward of its unix socket, vrun from this module (its launcher and jar).
 */
class RemoteProcsIT extends RunnerItBase {
  private SshDaemon sshd;
  private SupervisorDaemon sup;
  private SshHosts ssh;
  private RemoteProcs procs;
  private String host;

  @BeforeEach
  void startHost() throws Exception {
    sshd = SshDaemon.start(tmp.resolve("sshd"));
    sup = SupervisorDaemon.builder(tmp.resolve("supervisor")).unixAuth(false).start();
    // vrun as installed on a host: the launcher with this test's root and the module's jar.
    Path vrun = tmp.resolve("vrun");
    Files.writeString(vrun, "#!/bin/sh\nVR_ROOT=" + root() + " VR_RUNNER_JAR=" + LauncherIT.jar() + " exec "
        + LauncherIT.launcher() + " \"$@\"\n");
    Files.setPosixFilePermissions(vrun, PosixFilePermissions.fromString("rwxr-xr-x"));
    ssh = SshHosts.start(SshSettings.of(sshd.knownHosts(), List.of(sshd.clientKey())));
    procs = new RemoteProcs(ssh, new RemoteProcs.HostLayout(root().toString(), vrun.toString(), sup.socket().toString(),
        sup.includeDir().toString(), false, null));
    host = sshd.hostAndPort();
  }

  @AfterEach
  void stopHost() {
    if (ssh != null) {
      ssh.close();
    }
    if (sup != null) {
      sup.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private SupervisorClient supervisor() {
    return SupervisorClient.connect(sup.unixUrl(), null, null);
  }

  @Test
  void aProcIsDeployedStartedUptestedAndRemovedOverSsh() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Procfile", "web: sleep 1000\n");
    files.put("uptests/web/01_pass", "#!/bin/sh\necho \"checked $1:$2\"\n");
    files.put("uptests/web/02_fail", "#!/bin/sh\necho broken\nexit 1\n");
    String b = build("remote-app.tar.gz", files);
    int port = Daemons.freePort();
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, b, port, "");
    ProcName name = ProcData.load(yaml).name();

    procs.deploy(host, name, Files.readAllBytes(yaml));

    Path dir = root().resolve("procs").resolve(name.format());
    assertThat(dir.resolve("proc.yaml")).hasSameBinaryContentAs(yaml);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("proc.yaml")))).isEqualTo("rw-------");
    assertThat(sup.includeDir().resolve(name.format() + ".conf")).exists();
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"RUNNING".equals(supervisor().getProcessInfo(name.format()).statename()) && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(supervisor().getProcessInfo(name.format()).statename()).isEqualTo("RUNNING");

    List<UptestResult> r = procs.uptest(host, name, Duration.ofSeconds(10));
    assertThat(r).containsExactly(new UptestResult("01_pass", "checked 127.0.0.1:" + port + "\n", true),
        new UptestResult("02_fail", "broken\n", false));

    procs.remove(host, name);
    assertThatThrownBy(() -> supervisor().getProcessInfo(name.format())).isInstanceOf(SupervisorFault.class);
    assertThat(sup.includeDir().resolve(name.format() + ".conf")).doesNotExist();
    assertThat(dir).doesNotExist();
    assertThat(Fixtures.processes("sleep", "1000")).isZero();
    procs.remove(host, name); // twice is fine
  }

  @Test
  void badInputComesBackAsAnInputErrorWithTheToolsMessageAndLeavesNothing() throws Exception {
    Path yaml = Fixtures.procYaml(tmp.resolve("proc.yaml"), server, null, 70000, "cmd: 'true'\n");
    Files.writeString(yaml, Files.readString(yaml).replace("port: 70000", "port: 5200").replace("user: nobody", "user: no_such_user_vr"));
    ProcName name = ProcData.load(yaml).name();
    assertThatThrownBy(() -> procs.deploy(host, name, Files.readAllBytes(yaml))).isInstanceOf(InputException.class)
        .hasMessageContaining("proc.yaml line").hasMessageContaining("'no_such_user_vr' is not a user on this host");
    assertThat(root().resolve("procs").resolve(name.format())).doesNotExist();
    assertThat(sup.includeDir()).isEmptyDirectory();
  }

  @Test
  void uptestsOfAProcThatIsNotThereAreOneFailingEntry() {
    ProcName name = ProcName.parse("nope-v1-c-0123abcd-web-5999").orElseThrow();
    List<UptestResult> r = procs.uptest(host, name, Duration.ofSeconds(5));
    assertThat(r).hasSize(1);
    assertThat(r.get(0).name()).isNull();
    assertThat(r.get(0).passed()).isFalse();
    assertThat(r.get(0).output()).contains("proc.yaml: no such file");
  }
}
