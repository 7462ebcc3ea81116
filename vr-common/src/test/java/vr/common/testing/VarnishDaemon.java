package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real varnishd for tests: instance dir, VCL and pid under {@code dir}; pool files in {@link #poolDir()};
 * one listen socket per pool, named after it, and a main VCL that routes each socket to the pool's director
 * ({@code local.socket}) without caching. Each pool starts as an empty director (the format the varnish
 * balancer writes), because the main VCL must compile before the first change.
 */
public final class VarnishDaemon implements AutoCloseable {
  private final Path dir;
  private final Map<String, Integer> ports;

  private VarnishDaemon(Path dir, Map<String, Integer> ports) {
    this.dir = dir;
    this.ports = ports;
  }

  public static VarnishDaemon start(Path dir, String... pools) throws IOException, InterruptedException {
    Path varnishd = Prereqs.command("varnishd", "varnish");
    Prereqs.command("varnishadm", "varnish");
    Path poolDir = dir.resolve("pools");
    Files.createDirectories(poolDir);
    // varnishd compiles VCL as an unprivileged user: it must be able to reach and read the files
    for (Path p = poolDir; p != null && !p.equals(Path.of("/")); p = p.getParent()) {
      if (p.startsWith(dir) || p.equals(dir.getParent())) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    StringBuilder routes = new StringBuilder();
    StringBuilder includes = new StringBuilder("import directors;\n");
    for (String pool : pools) {
      ports.put(pool, Daemons.freePort());
      Files.writeString(poolDir.resolve("pool-" + pool + ".vcl"), "sub vcl_init {\n  new " + pool + " = directors.round_robin();\n}\n");
      includes.append("include \"").append(poolDir.resolve("pool-" + pool + ".vcl")).append("\";\n");
      routes.append("  if (local.socket == \"").append(pool).append("\") { set req.backend_hint = ").append(pool).append(".backend(); }\n");
    }
    Files.writeString(poolDir.resolve("pools.vcl"), includes.toString());
    Files.writeString(dir.resolve("main.vcl"), "vcl 4.1;\nimport directors;\nbackend default none;\ninclude \"" + poolDir.resolve("pools.vcl")
        + "\";\nsub vcl_recv {\n" + routes + "  return (pass);\n}\n");
    int admin = Daemons.freePort();
    Files.writeString(dir.resolve("secret"), "vr-test-secret\n");
    var cmd = new java.util.ArrayList<>(java.util.List.of(varnishd.toString(), "-n", dir.resolve("inst").toString(), "-P", dir.resolve("varnishd.pid").toString(),
        "-T", "127.0.0.1:" + admin, "-S", dir.resolve("secret").toString(), "-f", dir.resolve("main.vcl").toString(), "-s", "malloc,16m",
        "-p", "vcl_cooldown=1"));
    ports.forEach((pool, port) -> {
      cmd.add("-a");
      cmd.add(pool + "=127.0.0.1:" + port);
    });
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("varnishd did not start: " + new String(p.getInputStream().readAllBytes()));
    }
    Daemons.awaitFile(dir.resolve("varnishd.pid"), Duration.ofSeconds(10));
    for (int port : ports.values()) {
      Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(30));
    }
    return new VarnishDaemon(dir, ports);
  }

  public Path poolDir() {
    return dir.resolve("pools");
  }

  public int port(String pool) {
    return ports.get(pool);
  }

  public String varnishadm() {
    return "varnishadm -n " + dir.resolve("inst");
  }

  public String balancerSettings() {
    return "include_dir: '" + poolDir() + "', vcl_file: '" + dir.resolve("main.vcl") + "', varnishadm: '" + varnishadm() + "'";
  }

  /** {@code varnishadm vcl.list} output. */
  public String vclList() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("varnishadm", "-n", dir.resolve("inst").toString(), "vcl.list").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    Daemons.stop(dir.resolve("varnishd.pid"));
  }
}
