package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real supervisord (Debian {@code supervisor}) for a test: its own config, logs, pid file and Unix socket in
 * a temp dir, XML-RPC on a free 127.0.0.1 port with a random password, an include dir for program sections,
 * and any extra sections the test adds. {@link #close()} stops it by PID (supervisord stops its children).
 *
 * <pre>
 * try (SupervisorDaemon sup = SupervisorDaemon.builder(tmp).section("[program:x]\ncommand=sleep 100\n").start()) {
 *   SupervisorClient c = SupervisorClient.connect(sup.httpUrl(), sup.username(), sup.password());
 * }
 * </pre>
 */
public final class SupervisorDaemon implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String username;
  private final String password;
  private final long pid;

  private SupervisorDaemon(Path dir, int port, String username, String password, long pid) {
    this.dir = dir;
    this.port = port;
    this.username = username;
    this.password = password;
    this.pid = pid;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Configures and starts a supervisord. */
  public static final class Builder {
    private final Path dir;
    private final List<String> sections = new ArrayList<>();
    private Map<String, String> env = Map.of();
    private boolean unixAuth = true;
    private final List<String> includes = new ArrayList<>();
    private String password;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** An extra config section, verbatim (e.g. an {@code [eventlistener:...]}). */
    public Builder section(String text) {
      sections.add(text.endsWith("\n") ? text : text + "\n");
      return this;
    }

    /** Extra environment for supervisord and so for its children. */
    public Builder env(Map<String, String> extra) {
      env = Map.copyOf(extra);
      return this;
    }

    /** Whether the Unix socket also asks for the username and password (default yes). */
    public Builder unixAuth(boolean on) {
      unixAuth = on;
      return this;
    }

    /** Another glob for {@code [include] files}, e.g. {@code <VR_ROOT>/procs/*}{@code /proc.conf}. */
    public Builder include(String glob) {
      includes.add(glob);
      return this;
    }

    /** The XML-RPC password (default: random), e.g. to hand it to a listener through the environment. */
    public Builder password(String pw) {
      password = pw;
      return this;
    }

    public SupervisorDaemon start() {
      Prereqs.command("supervisord", "supervisor");
      try {
        Files.createDirectories(dir.resolve("conf.d"));
        Files.createDirectories(dir.resolve("childlogs"));
        int port = Daemons.freePort();
        String user = "vr";
        String pass = password != null ? password : UUID.randomUUID().toString().substring(0, 12);
        String conf = "[supervisord]\n"
            + "logfile=" + dir.resolve("supervisord.log") + "\n"
            + "pidfile=" + dir.resolve("supervisord.pid") + "\n"
            + "childlogdir=" + dir.resolve("childlogs") + "\n"
            + "loglevel=info\n"
            + "nodaemon=false\n"
            + "identifier=vrtest\n"
            + "\n[inet_http_server]\nport=127.0.0.1:" + port + "\nusername=" + user + "\npassword=" + pass + "\n"
            + "\n[unix_http_server]\nfile=" + dir.resolve("supervisor.sock") + "\nchmod=0700\n"
            + (unixAuth ? "username=" + user + "\npassword=" + pass + "\n" : "")
            + "\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
            + "\n[include]\nfiles=" + dir.resolve("conf.d") + "/*.conf" + (includes.isEmpty() ? "" : " " + String.join(" ", includes)) + "\n\n"
            + String.join("\n", sections);
        Path confFile = dir.resolve("supervisord.conf");
        Files.writeString(confFile, conf);
        ProcessBuilder pb = new ProcessBuilder("supervisord", "-c", confFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("supervisord.out").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new AssertionError("supervisord did not start; see " + dir.resolve("supervisord.out") + ": "
              + Files.readString(dir.resolve("supervisord.out")));
        }
        Path pidFile = dir.resolve("supervisord.pid");
        Daemons.awaitFile(pidFile, Duration.ofSeconds(20));
        Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(20));
        Daemons.awaitFile(dir.resolve("supervisor.sock"), Duration.ofSeconds(20));
        long pid = -1;
        for (int i = 0; i < 100 && pid <= 0; i++) {
          pid = Daemons.readPid(pidFile);
          if (pid <= 0) {
            Daemons.sleep(50);
          }
        }
        return new SupervisorDaemon(dir, port, user, pass, pid);
      } catch (IOException e) {
        throw new AssertionError("cannot start supervisord in " + dir, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + port + "/RPC2";
  }

  public String unixUrl() {
    return "unix://" + socket();
  }

  public Path socket() {
    return dir.resolve("supervisor.sock");
  }

  public int port() {
    return port;
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  /** The directory the {@code [include]} section reads {@code *.conf} from. */
  public Path includeDir() {
    return dir.resolve("conf.d");
  }

  public Path dir() {
    return dir;
  }

  public Path logFile() {
    return dir.resolve("supervisord.log");
  }

  public long pid() {
    return pid;
  }

  public boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The supervisord log so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(logFile());
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops supervisord by PID (it stops its programs first) and waits for it to go. */
  @Override
  public void close() {
    // supervisord takes up to stopwaitsecs per program; Daemons.stop waits 10 s before SIGKILL
    Daemons.stop(pid);
  }
}
