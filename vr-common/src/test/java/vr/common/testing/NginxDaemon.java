package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx for tests: config, pid, logs and temp files under {@code dir}; pools in {@link #poolDir()}
 * (the balancer's include_dir); one frontend per pool on its own loopback port, proxying to the
 * {@code upstream} of that name (through a variable, so nginx starts before the pool exists).
 */
public final class NginxDaemon implements AutoCloseable {
  private final Path dir;
  private final Map<String, Integer> ports;

  private NginxDaemon(Path dir, Map<String, Integer> ports) {
    this.dir = dir;
    this.ports = ports;
  }

  public static NginxDaemon start(Path dir, String... pools) throws IOException, InterruptedException {
    Path nginx = Prereqs.command("nginx", "nginx-light");
    Files.createDirectories(dir.resolve("pools"));
    Files.createDirectories(dir.resolve("tmp"));
    Map<String, Integer> ports = new LinkedHashMap<>();
    StringBuilder servers = new StringBuilder();
    for (String pool : pools) {
      int port = Daemons.freePort();
      ports.put(pool, port);
      servers.append("  server {\n    listen 127.0.0.1:").append(port).append(";\n    location / {\n")
          .append("      set $vr_pool \"").append(pool).append("\";\n      proxy_pass http://$vr_pool;\n    }\n  }\n");
    }
    Path t = dir.resolve("tmp");
    String conf = "worker_processes 2;\npid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log") + " warn;\n"
        + "events { worker_connections 1024; }\n"
        + "http {\n  access_log off;\n"
        + "  client_body_temp_path " + t.resolve("body") + ";\n  proxy_temp_path " + t.resolve("proxy") + ";\n"
        + "  fastcgi_temp_path " + t.resolve("fastcgi") + ";\n  uwsgi_temp_path " + t.resolve("uwsgi") + ";\n"
        + "  scgi_temp_path " + t.resolve("scgi") + ";\n"
        + "  include " + dir.resolve("pools") + "/*.conf;\n" + servers + "}\n";
    Files.writeString(dir.resolve("nginx.conf"), conf);
    Process p = new ProcessBuilder(nginx.toString(), "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString())
        .redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("nginx did not start: " + new String(p.getInputStream().readAllBytes()));
    }
    Daemons.awaitFile(dir.resolve("nginx.pid"), Duration.ofSeconds(10));
    for (int port : ports.values()) {
      Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(10));
    }
    return new NginxDaemon(dir, ports);
  }

  /** The balancer's include_dir. */
  public Path poolDir() {
    return dir.resolve("pools");
  }

  public int port(String pool) {
    return ports.get(pool);
  }

  public String testCmd() {
    return "nginx -t -q -c " + dir.resolve("nginx.conf");
  }

  public String reloadCmd() {
    return "nginx -c " + dir.resolve("nginx.conf") + " -s reload";
  }

  /** YAML settings for an nginx balancer driving this nginx (to combine with {@link SshDaemon#balancerSettings()}). */
  public String balancerSettings() {
    return "include_dir: '" + poolDir() + "', test_cmd: '" + testCmd() + "', reload_cmd: '" + reloadCmd() + "'";
  }

  public String errorLog() throws IOException {
    return Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
  }

  public List<String> poolFiles() throws IOException {
    try (var s = Files.list(poolDir())) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public void close() {
    Daemons.stop(dir.resolve("nginx.pid"));
  }
}
