package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;
import vr.common.testing.Daemons;
import vr.common.testing.NginxDaemon;
import vr.common.testing.SshDaemon;

/** An operator repairs an nginx pool over SSH with {@code vr.cli pool}, in-process. */
class PoolCommandIT {
  @TempDir static Path tmp;
  static SshDaemon sshd;
  static NginxDaemon nginx;
  static Path yaml;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshDaemon.start(tmp.resolve("sshd"));
    nginx = NginxDaemon.start(tmp.resolve("nginx"), "web");
    yaml = tmp.resolve("balancers.yaml");
    Files.writeString(yaml, "BALANCERS:\n  edge: {BACKEND: vr.common.balancer.nginx.NginxBalancer, " + sshd.balancerSettings() + ", "
        + nginx.balancerSettings() + "}\n  broken: {BACKEND: nginx, " + sshd.balancerSettings().replace(sshd.hostAndPort(), "127.0.0.1:" + Daemons.freePort())
        + ", " + nginx.balancerSettings() + "}\n");
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  static Tool.Result cli(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--balancers";
    all[args.length + 1] = yaml.toString();
    return Tool.capture(new VrCli(), all);
  }

  @Test
  void getAddDeleteAPoolOverSsh() throws Exception {
    Tool.Result add = cli("pool", "add", "edge", "web", "10.0.0.2:80", "10.0.0.1:80");
    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(add.out()).isEqualTo("pool web on edge: updated on " + sshd.hostAndPort() + "\n");
    assertThat(cli("pool", "get", "edge", "web").out()).isEqualTo("10.0.0.1:80\n10.0.0.2:80\n");
    assertThat(cli("pool", "delete", "edge", "web", "10.0.0.1:80").exitCode()).isZero();
    assertThat(cli("pool", "get", "edge", "web").out()).isEqualTo("10.0.0.2:80\n");
    Tool.Result drop = cli("pool", "delete", "edge", "web", "10.0.0.2:80", "--if-empty");
    assertThat(drop.exitCode()).isZero();
    assertThat(Files.exists(nginx.poolDir().resolve("web.conf"))).isFalse();
  }

  @Test
  void anUnreachableBalancerHostIsOneLineAndExitOne() {
    Tool.Result r = cli("pool", "add", "broken", "web", "10.0.0.1:80");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).matches("vr.cli: error: balancer broken: add 1 node\\(s\\) to pool web: failed on 127.0.0.1:[0-9]+ \\(ssh: connection refused\\)\n");
  }
}
