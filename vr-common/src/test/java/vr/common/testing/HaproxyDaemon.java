package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy in master-worker mode for tests: config, sockets and pid under {@code dir}; pools as
 * {@code *.cfg} files in {@link #poolDir()} (loaded with {@code -f <dir>}); one frontend per pool on its own
 * loopback port, routing with {@code use_backend %[str(<pool>)]} so that it starts before the pool exists.
 */
public final class HaproxyDaemon implements AutoCloseable {
  private final Path dir;
  private final Map<String, Integer> ports;

  private HaproxyDaemon(Path dir, Map<String, Integer> ports) {
    this.dir = dir;
    this.ports = ports;
  }

  public static HaproxyDaemon start(Path dir, String... pools) throws IOException, InterruptedException {
    Path haproxy = Prereqs.command("haproxy", "haproxy");
    Prereqs.command("socat", "socat");
    Files.createDirectories(dir.resolve("pools"));
    Map<String, Integer> ports = new LinkedHashMap<>();
    StringBuilder fe = new StringBuilder();
    for (String pool : pools) {
      int port = Daemons.freePort();
      ports.put(pool, port);
      fe.append("frontend fe_").append(pool.replaceAll("[^A-Za-z0-9]", "_")).append("\n  bind 127.0.0.1:").append(port)
          .append("\n  use_backend %[str(").append(pool).append(")]\n");
    }
    String cfg = "global\n  stats socket " + dir.resolve("admin.sock") + " mode 600 level admin expose-fd listeners\n"
        + "defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n  option http-server-close\n"
        + "  retries 2\n  option redispatch\n" + fe;
    Files.writeString(dir.resolve("haproxy.cfg"), cfg);
    Process p = new ProcessBuilder(haproxy.toString(), "-W", "-D", "-S", dir.resolve("master.sock").toString(),
        "-p", dir.resolve("haproxy.pid").toString(), "-f", dir.resolve("haproxy.cfg").toString(), "-f", dir.resolve("pools").toString())
        .redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("haproxy did not start: " + new String(p.getInputStream().readAllBytes()));
    }
    Daemons.awaitFile(dir.resolve("haproxy.pid"), Duration.ofSeconds(10));
    Daemons.awaitFile(dir.resolve("admin.sock"), Duration.ofSeconds(10));
    for (int port : ports.values()) {
      Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(10));
    }
    return new HaproxyDaemon(dir, ports);
  }

  public Path poolDir() {
    return dir.resolve("pools");
  }

  public int port(String pool) {
    return ports.get(pool);
  }

  public String testCmd() {
    return "haproxy -c -q -f " + dir.resolve("haproxy.cfg") + " -f " + poolDir();
  }

  /** A hitless master-worker reload: SIGUSR2 to the master. */
  public String reloadCmd() {
    return "kill -USR2 $(cat " + dir.resolve("haproxy.pid") + ")";
  }

  public String balancerSettings() {
    return "include_dir: '" + poolDir() + "', admin_socket: '" + dir.resolve("admin.sock") + "', test_cmd: '" + testCmd()
        + "', reload_cmd: '" + reloadCmd() + "'";
  }

  /** Sends one runtime API command and returns the answer (for assertions). */
  public String runtime(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("socat", "stdio", "UNIX-CONNECT:" + dir.resolve("admin.sock")).redirectErrorStream(true).start();
    p.getOutputStream().write((command + "\n").getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    Daemons.stop(dir.resolve("haproxy.pid"));
  }
}
