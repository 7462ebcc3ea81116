package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian {@code postgresql}) for a test: its own cluster made by {@code initdb} in a temp
 * dir, on a free 127.0.0.1 port, trust authentication for the user {@code vr}, database {@code vr}. It runs as
 * the {@code postgres} system user (PostgreSQL refuses root) and {@link #close()} stops it by PID. The machine's
 * own PostgreSQL on 5432 is never touched.
 */
public final class PostgresDaemon implements AutoCloseable {
  private final Path dir;
  private final int port;
  private long pid = -1;

  private PostgresDaemon(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts one; {@code dir} must not exist yet or be empty. */
  public static PostgresDaemon start(Path dir) {
    PostgresDaemon p = new PostgresDaemon(dir, Daemons.freePort());
    p.start();
    return p;
  }

  /** The folder holding initdb, pg_ctl and postgres (Debian keeps them off the PATH). */
  static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        Path bin = s.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
            .orElse(null);
        if (bin != null) {
          return bin;
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("missing prerequisite: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
        + "run: apt-get install -y postgresql (or scripts/test, which installs everything as root)");
  }

  private void start() {
    Prereqs.command("setpriv", "util-linux");
    Path bin = binaries();
    Path data = dir.resolve("data");
    try {
      Files.createDirectories(data);
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      // The postgres user must reach its folder: a JUnit temp dir is 0700, so its ancestors get o+x (traverse only).
      for (Path a = dir.toAbsolutePath().getParent(); a != null && a.getNameCount() > 0; a = a.getParent()) {
        var perms = Files.getPosixFilePermissions(a);
        if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
          perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
          Files.setPosixFilePermissions(a, perms);
        }
      }
      run(asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "vr", "-A", "trust",
          "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"));
      run(asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(),
          "-w", "-t", "60", "start", "-o",
          "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
              + " -c full_page_writes=off -c max_connections=200"));
      Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(30));
      pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
      run(asPostgres(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "vr", "vr"));
    } catch (IOException e) {
      throw new AssertionError("PostgreSQL did not start in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<String> asPostgres(String... cmd) {
    List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"));
    all.addAll(List.of(cmd));
    return all;
  }

  private void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed: " + out
            + (Files.exists(dir.resolve("postgres.log")) ? "\n" + Files.readString(dir.resolve("postgres.log")) : ""));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** A JDBC URL for database {@code db} (user {@code vr}, no password). */
  public String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=vr";
  }

  public String jdbcUrl() {
    return jdbcUrl("vr");
  }

  /** A fresh, empty database, so tests sharing one daemon do not see each other's rows. */
  public String newDatabase(String name) {
    try {
      run(asPostgres(binaries().resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "vr", name));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return jdbcUrl(name);
  }

  /** Stops it by PID with SIGINT (PostgreSQL's fast shutdown: it ends client sessions instead of waiting). */
  @Override
  public void close() {
    if (pid > 0) {
      ProcessHandle.of(pid).ifPresent(h -> {
        try {
          new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
          h.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          Daemons.stop(pid);
        }
      });
      pid = -1;
    }
  }
}
