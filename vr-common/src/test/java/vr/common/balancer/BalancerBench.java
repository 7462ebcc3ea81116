package vr.common.balancer;

import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import vr.common.model.Node;
import vr.common.ssh.ExecOptions;
import vr.common.ssh.HostSession;
import vr.common.ssh.SshHosts;
import vr.common.testing.BalancerRig;
import vr.common.testing.HaproxyDaemon;
import vr.common.testing.NginxDaemon;
import vr.common.testing.SshDaemon;
import vr.common.testing.VarnishDaemon;
import vr.common.testing.ZxtmFake;

/**
 * The balancer benchmark (scripts/bench.d/balancers.sh): per-change latency of each backend end to end
 * (connect, lock, read, write, validate, apply) against a real sshd and real daemons on loopback, with the
 * bare reload each one needs over the same SSH connection as the baseline; one bare SSH round trip (a change's
 * floor); HAProxy's runtime API round trips on the socket itself; and the total time of many changes in a row. Args: [changes] [burst].
 */
public final class BalancerBench {
  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int burst = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path tmp = Files.createTempDirectory("vr-balancer-bench");
    try (SshDaemon sshd = SshDaemon.start(tmp.resolve("sshd"));
        NginxDaemon nginx = NginxDaemon.start(tmp.resolve("nginx"), "bench", "burst");
        HaproxyDaemon haproxy = HaproxyDaemon.start(tmp.resolve("haproxy"), "bench", "burst");
        VarnishDaemon varnish = VarnishDaemon.start(tmp.resolve("varnish"), "bench", "burst");
        ZxtmFake zxtm = ZxtmFake.start("u", "p");
        SshHosts ssh = SshHosts.start(BalancerRig.clientSettings(sshd))) {
      Balancer ng = BalancerFixtures.load(ssh, tmp, "BACKEND: nginx, " + sshd.balancerSettings() + ", " + nginx.balancerSettings());
      Balancer hp = BalancerFixtures.load(ssh, tmp, "BACKEND: haproxy, " + sshd.balancerSettings() + ", " + haproxy.balancerSettings());
      Balancer vn = BalancerFixtures.load(ssh, tmp, "BACKEND: varnish, " + sshd.balancerSettings() + ", " + varnish.balancerSettings());
      Balancer st = BalancerFixtures.load(ssh, tmp, "BACKEND: zxtm, URL: '" + zxtm.url() + "', USER: u, PASSWORD: p, GRACE_PERIOD: 0");
      Balancer dm = BalancerFixtures.load(ssh, tmp, "BACKEND: dummy");
      ExecOptions root = ExecOptions.defaults().sudo(true);

      System.out.println("per change, median of " + changes + " (alternating add and delete of one node):");
      try (HostSession c = ssh.session(sshd.hostAndPort())) {
        System.out.printf("  %-28s %8.1f ms   (the floor of any change: one exec channel running `true` as root)%n", "ssh round trip",
            median(changes, i -> c.exec("true", root)));
      }
      var shell = ssh.shell(ssh.address(sshd.hostAndPort()));
      System.out.printf("  %-28s %8.1f ms   (the floor of a change now: `true` in the host's resident root shell)%n", "resident shell round trip",
          median(changes, i -> shell.run("true", java.time.Duration.ofSeconds(30), 1024)));
      double ngMs = perChange(ng, changes);
      double ngBare;
      try (HostSession c = ssh.session(sshd.hostAndPort())) {
        ngBare = median(changes, i -> c.exec(nginx.testCmd() + " && " + nginx.reloadCmd(), root).orThrow());
      }
      row("nginx end to end", ngMs, "bare `nginx -t && nginx -s reload` on one SSH connection", ngBare);
      double hpMs = perChange(hp, changes);
      double hpAdd = runtimeMs(haproxy, changes, true);
      double hpDel = runtimeMs(haproxy, changes, false);
      System.out.printf("  %-28s %8.1f ms   runtime API on the socket: add+enable %.2f ms, maint+del %.2f ms (ratio e2e/add %.0fx)%n",
          "haproxy end to end", hpMs, hpAdd, hpDel, hpMs / hpAdd);
      double vnMs = perChange(vn, Math.max(4, changes / 2));
      double vnBare;
      try (HostSession c = ssh.session(sshd.hostAndPort())) {
        Path main = tmp.resolve("varnish/main.vcl");
        vnBare = median(Math.max(4, changes / 2), i -> {
          c.exec(varnish.varnishadm() + " vcl.load bare" + i + " " + main + " && " + varnish.varnishadm() + " vcl.use bare" + i, root).orThrow();
        });
      }
      row("varnish end to end", vnMs, "bare `varnishadm vcl.load && vcl.use` on one SSH connection", vnBare);
      System.out.printf("  %-28s %8.1f ms%n", "stingray (SOAP fake)", perChange(st, changes));
      System.out.printf("  %-28s %8.3f ms%n", "dummy (in memory)", perChange(dm, changes));

      System.out.println(burst + " changes in a row (one node added per change; the SSH connection is reused between changes):");
      for (var e : List.of(List.of("nginx", ng), List.of("haproxy", hp), List.of("varnish", vn))) {
        Balancer b = (Balancer) e.get(1);
        int n = e.get(0).equals("varnish") ? Math.max(5, burst / 5) : burst;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          b.addNodes("burst", List.of(new Node("127.0.0.1", 40000 + i)));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  %-8s %4d changes: %6.1f s total, %6.1f ms each%n", e.get(0), n, s, s * 1000 / n);
      }
    }
    System.exit(0);
  }

  static void row(String what, double ms, String baseline, double baseMs) {
    System.out.printf("  %-28s %8.1f ms   %s %.1f ms, ratio %.2f%n", what, ms, baseline, baseMs, ms / baseMs);
  }

  /** Median ms of alternating add/delete changes of one node (after one warm-up change). */
  static double perChange(Balancer b, int n) {
    Node base = new Node("127.0.0.1", 39999);
    b.addNodes("bench", List.of(base));
    Node extra = new Node("127.0.0.1", 39998);
    return median(n, i -> {
      if (i % 2 == 0) {
        b.addNodes("bench", List.of(extra));
      } else {
        b.deleteNodes("bench", List.of(extra));
      }
    });
  }

  static double median(int n, IntConsumer op) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.accept(i);
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    return ms.get(ms.size() / 2);
  }

  /** Median ms of the runtime API pair on the admin socket, without SSH or a socat process. */
  static double runtimeMs(HaproxyDaemon h, int n, boolean add) {
    Path sock = h.poolDir().resolveSibling("admin.sock");
    return median(n, i -> {
      String s = "bench/rt" + i;
      if (add) {
        send(sock, "add server " + s + " 127.0.0.1:" + (41000 + i));
        send(sock, "enable server " + s);
      } else {
        send(sock, "set server " + s + " state maint");
        send(sock, "del server " + s);
      }
    });
  }

  static String send(Path sock, String cmd) {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
      ch.write(ByteBuffer.wrap((cmd + "\n").getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (ch.read(buf) > 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
