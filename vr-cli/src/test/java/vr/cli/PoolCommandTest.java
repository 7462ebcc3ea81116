package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;

/** {@code vr.cli pool ...} in-process, with the in-memory balancer. */
class PoolCommandTest {
  @TempDir Path tmp;

  Path yaml(String text) throws Exception {
    Path f = tmp.resolve("balancers.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void versionAndHelp() {
    Tool.Result r = Tool.capture(new VrCli(), "--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("vr.cli (vr-suite) ");
    assertThat(Tool.capture(new VrCli(), "pool", "--help").out()).contains("get", "add", "delete");
  }

  @Test
  void noSubcommandIsBadUsage() {
    Tool.Result r = Tool.capture(new VrCli());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vr.cli: error: a subcommand is required (list-swarms, swarm, build, rebuild-all, procs, uptests, deploy, compare-releases, host, canary, pool, supervisor)");
    assertThat(Tool.capture(new VrCli(), "pool").exitCode()).isEqualTo(2);
  }

  @Test
  void addReportsTheHostsAndGetPrintsNothingForAnEmptyPool() throws Exception {
    Path f = yaml("BALANCERS: {mem: {BACKEND: dummy}}\n");
    Tool.Result add = Tool.capture(new VrCli(), "pool", "add", "mem", "web", "10.0.0.1:80", "--balancers", f.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(add.out()).isEqualTo("pool web on mem: updated on memory\n");
    Tool.Result get = Tool.capture(new VrCli(), "pool", "get", "mem", "web", "--balancers", f.toString());
    assertThat(get.exitCode()).isZero();
    assertThat(get.out()).isEmpty(); // each run reads the file afresh: the in-memory pool is gone
  }

  @Test
  void badArgumentsExitWithTwoAndOneLine() throws Exception {
    Path f = yaml("BALANCERS: {mem: {BACKEND: dummy}}\n");
    Tool.Result badNode = Tool.capture(new VrCli(), "pool", "add", "mem", "web", "10.0.0.1", "--balancers", f.toString());
    assertThat(badNode.exitCode()).isEqualTo(2);
    assertThat(badNode.err()).isEqualTo("vr.cli: error: bad node '10.0.0.1': a node must be host:port, not '10.0.0.1'\n");
    Tool.Result noNodes = Tool.capture(new VrCli(), "pool", "add", "mem", "web", "--balancers", f.toString());
    assertThat(noNodes.exitCode()).isEqualTo(2);
    Tool.Result deleteNothing = Tool.capture(new VrCli(), "pool", "delete", "mem", "web", "--balancers", f.toString());
    assertThat(deleteNothing.exitCode()).isEqualTo(2);
    assertThat(deleteNothing.err()).contains("give the nodes to delete, or --whole-pool, or --if-empty");
    Tool.Result unknown = Tool.capture(new VrCli(), "pool", "get", "nope", "web", "--balancers", f.toString());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("vr.cli: error: balancers.yaml: no balancer named 'nope'; configured: mem\n");
    Tool.Result badPool = Tool.capture(new VrCli(), "pool", "get", "mem", "../x", "--balancers", f.toString());
    assertThat(badPool.exitCode()).isEqualTo(2);
  }

  @Test
  void aBadBalancersFileNamesFileLineAndKey() throws Exception {
    Path f = yaml("BALANCERS:\n  lb:\n    BACKEND: nginx\n    hosts: 7\n");
    Tool.Result r = Tool.capture(new VrCli(), "pool", "get", "lb", "web", "--balancers", f.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vr.cli: error: balancers.yaml line 4: hosts must be a list of strings\n");
    Tool.Result missing = Tool.capture(new VrCli(), "pool", "get", "lb", "web", "--balancers", tmp.resolve("none.yaml").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("vr.cli: error: none.yaml: no such file\n");
  }

  @Test
  void aDeviceAsTheBalancersFileIsOneLineExitTwo() {
    Tool.Result r = Tool.capture(new VrCli(), "pool", "get", "mem", "web", "--balancers", "/dev/zero");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vr.cli: error: zero: is a FIFO, socket or device; only a regular file is read\n");
  }

  @Test
  void aFifoAsTheBalancersFileIsRefusedAtOnce() throws Exception {
    Path fifo = tmp.resolve("fifo.yaml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Tool.Result r = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> Tool.capture(new VrCli(), "pool", "get", "mem", "web", "--balancers", fifo.toString()));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vr.cli: error: fifo.yaml: is a FIFO, socket or device; only a regular file is read\n");
  }

  @Test
  void aBalancersFileOverTheSizeLimitIsOneLineExitTwo() throws Exception {
    Path f = tmp.resolve("huge.yaml");
    try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(50L << 20);
    }
    Tool.Result r = Tool.capture(new VrCli(), "pool", "get", "mem", "web", "--balancers", f.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vr.cli: error: huge.yaml: is 52428800 bytes; a configuration file may have at most"
        + " 4194304 bytes (4 MiB)\n");
  }

  @Test
  void theOriginalsVarnishExampleLoadsWithOneWarningLinePerObsoleteKey() throws Exception {
    Path f = yaml("""
        BALANCERS:
          default:
            BACKEND: vr.common.balancer.dummy.DummyBalancer
          my_varnish_balancer:
            BACKEND: vr.common.balancer.varnish.VarnishBalancer 
            user: some_user_with_sudo
            password: some_password
            include_dir: /etc/varnish/
            reload_cmd: /etc/init.d/varnish reload
            tmpdir: /tmp
            hosts:
            - cache1.mydomain.com
            - cache2.mydomain.com
        """);
    Tool.Result r = Tool.capture(new VrCli(), "pool", "get", "default", "web", "--balancers", f.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo("""
        vr.cli: warning: balancers.yaml line 7: password is not used by balancer my_varnish_balancer: the SSH client logs in \
        with keys only (key_file) and runs root commands through sudo -n, which needs a sudo rule without a password for \
        some_user_with_sudo
        vr.cli: warning: balancers.yaml line 10: tmpdir is not used by balancer my_varnish_balancer: temp files are \
        written beside their target, so that the rename into place is atomic
        vr.cli: warning: balancers.yaml line 9: reload_cmd is not used by balancer my_varnish_balancer: changes are \
        compiled and switched with varnishadm vcl.load and vcl.use (set varnishadm and vcl_file instead)
        """);
  }
}
