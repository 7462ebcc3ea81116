package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian {@code redis-server}) for a test, on a free 127.0.0.1 port, without
 * persistence, its pid file and log in a temp dir. It can be stopped and started again on the same port
 * (to test reconnects); {@link #close()} stops it by PID.
 */
public final class RedisDaemon implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String password;
  private long pid = -1;

  private RedisDaemon(Path dir, int port, String password) {
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  /** Starts one on a free port; {@code password} may be null for none. */
  public static RedisDaemon start(Path dir, String password) {
    RedisDaemon r = new RedisDaemon(dir, Daemons.freePort(), password);
    r.start();
    return r;
  }

  public static RedisDaemon start(Path dir) {
    return start(dir, null);
  }

  /** (Re)starts it on its port. */
  public void start() {
    Prereqs.command("redis-server", "redis-server");
    try {
      Files.createDirectories(dir);
      Path pidFile = dir.resolve("redis.pid");
      Files.deleteIfExists(pidFile);
      List<String> cmd = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
          "--daemonize", "yes", "--pidfile", pidFile.toString(), "--logfile", dir.resolve("redis.log").toString(),
          "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
      if (password != null) {
        cmd.addAll(List.of("--requirepass", password));
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("redis-server did not start: " + Files.readString(dir.resolve("redis.out")));
      }
      Daemons.awaitFile(pidFile, Duration.ofSeconds(20));
      Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(20));
      long p2 = -1;
      for (int i = 0; i < 100 && p2 <= 0; i++) {
        p2 = Daemons.readPid(pidFile);
        if (p2 <= 0) {
          Daemons.sleep(20);
        }
      }
      pid = p2;
    } catch (IOException e) {
      throw new AssertionError("cannot start redis-server in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Stops it by PID and waits until it is gone. */
  public void stop() {
    Daemons.stop(pid);
    pid = -1;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  public long pid() {
    return pid;
  }

  /** {@code redis://[:password@]127.0.0.1:<port>/<db>}. */
  public String url(int db) {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port + "/" + db;
  }

  public String url() {
    return url(0);
  }

  @Override
  public void close() {
    stop();
  }
}
