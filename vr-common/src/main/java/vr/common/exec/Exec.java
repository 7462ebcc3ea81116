package vr.common.exec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.Watchdog;
import vr.common.VrException;

/**
 * Runs an external command: the suite's one way to start processes. Commands are argument arrays, never a
 * shell string (the original ran everything through a shell with {@code shell=True}, so a path with a space
 * or a quote broke commands). Output is captured or streamed, a timeout kills the whole process tree, and
 * failures become one-line {@link VrException}s.
 *
 * <pre>{@code
 * String sha = Exec.of("git", "rev-parse", "HEAD").dir(repo).check().stdout().strip();
 * }</pre>
 */
public final class Exec {
  /** How long to wait for output pumps after the process ended (a daemonised grandchild may hold a pipe). */
  private static final Duration PUMP_GRACE = Duration.ofSeconds(5);

  private final List<String> command;
  private Path dir;
  private final Map<String, String> addEnv = new LinkedHashMap<>();
  private Map<String, String> replaceEnv;
  private Duration timeout;
  private InputStream input;

  private Exec(List<String> command) {
    this.command = command;
  }

  /** A command and its arguments, passed to the program exactly as given. */
  public static Exec of(String executable, String... args) {
    List<String> c = new ArrayList<>();
    c.add(executable);
    c.addAll(List.of(args));
    return new Exec(c);
  }

  /** A command given as a list (first element is the executable). */
  public static Exec of(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    return new Exec(new ArrayList<>(command));
  }

  /** The working directory (default: the current one). */
  public Exec dir(Path directory) {
    this.dir = directory;
    return this;
  }

  /** Adds (or overrides) variables on top of this process's environment. */
  public Exec env(Map<String, String> vars) {
    addEnv.putAll(vars);
    return this;
  }

  /** Adds (or overrides) one variable on top of this process's environment. */
  public Exec env(String name, String value) {
    addEnv.put(name, value);
    return this;
  }

  /**
   * Runs with exactly {@code vars} as the environment (nothing inherited); variables from {@link #env} are
   * still added on top.
   */
  public Exec replaceEnv(Map<String, String> vars) {
    this.replaceEnv = new LinkedHashMap<>(vars);
    return this;
  }

  /** Kills the process and all its descendants when it runs longer than this. */
  public Exec timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** Feeds these bytes to the command's stdin (default: an empty stdin). */
  public Exec input(byte[] bytes) {
    this.input = new ByteArrayInputStream(bytes);
    return this;
  }

  /** Feeds this text (UTF-8) to the command's stdin. */
  public Exec input(String text) {
    return input(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Feeds this stream to the command's stdin. */
  public Exec input(InputStream in) {
    this.input = in;
    return this;
  }

  /** The command as a list, for messages and tests. */
  public List<String> command() {
    return List.copyOf(command);
  }

  /** What a finished command did. {@code timedOut} means it was killed after the timeout. */
  public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }
  }

  /** Runs the command and returns its exit code and output. Never throws for a non-zero exit. */
  public Result capture() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Outcome o = execute(out, err);
    return new Result(o.exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), o.timedOut);
  }

  /**
   * Runs the command, copying its output to the given streams, and returns its exit code.
   *
   * @throws VrException when the command timed out (there is no captured stderr to return then)
   */
  public int stream(OutputStream out, OutputStream err) {
    Outcome o = execute(out, err);
    if (o.timedOut) {
      throw new VrException(display() + " timed out after " + human(timeout) + " and was killed");
    }
    return o.exitCode;
  }

  /**
   * Runs the command and returns its output, or throws a one-line {@link VrException} naming the command, its
   * exit status and the tail of its stderr when it failed or timed out.
   */
  public Result check() {
    Result r = capture();
    if (r.timedOut) {
      throw new VrException(display() + " timed out after " + human(timeout) + " and was killed" + tail(r));
    }
    if (r.exitCode != 0) {
      throw new VrException(display() + " failed with exit status " + r.exitCode + tail(r));
    }
    return r;
  }

  private static String tail(Result r) {
    String s = r.stderr.strip();
    if (s.isEmpty()) {
      s = r.stdout.strip();
    }
    if (s.isEmpty()) {
      return "";
    }
    String[] lines = s.split("\\R");
    String last = lines[lines.length - 1].strip();
    if (last.length() > 300) {
      last = "..." + last.substring(last.length() - 300);
    }
    return ": " + last;
  }

  /** The command as a user would type it, for messages. */
  public String display() {
    StringBuilder sb = new StringBuilder();
    for (String a : command) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      boolean plain = !a.isEmpty() && a.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0);
      sb.append(plain ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    String s = sb.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private record Outcome(int exitCode, boolean timedOut) {}

  private Outcome execute(OutputStream out, OutputStream err) {
    CommandLine cl = new CommandLine(command.get(0));
    for (String a : command.subList(1, command.size())) {
      cl.addArgument(a, false);
    }
    DefaultExecutor.Builder<?> b = DefaultExecutor.builder();
    if (dir != null) {
      b.setWorkingDirectory(dir.toFile());
    }
    DefaultExecutor ex = b.get();
    ex.setExitValues(null); // every exit code is a result, not an exception
    PumpStreamHandler pumps = new PumpStreamHandler(out, err, input == null ? InputStream.nullInputStream() : input);
    pumps.setStopTimeout(PUMP_GRACE);
    ex.setStreamHandler(pumps);
    TreeKillingWatchdog dog = null;
    if (timeout != null) {
      dog = new TreeKillingWatchdog(timeout);
      ex.setWatchdog(dog);
    }
    try {
      int code = ex.execute(cl, environment());
      return new Outcome(code, dog != null && dog.killed());
    } catch (ExecuteException e) {
      // only thrown for start failures when every exit value is accepted
      throw startFailure(e);
    } catch (IOException e) {
      throw startFailure(e);
    }
  }

  private VrException startFailure(IOException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("error=2") || m.contains("No such file")) {
      return new VrException("cannot run '" + command.get(0) + "': command not found", e);
    }
    if (m.contains("error=13") || m.contains("Permission denied")) {
      return new VrException("cannot run '" + command.get(0) + "': permission denied", e);
    }
    return new VrException("cannot run '" + command.get(0) + "': " + m.replace('\n', ' '), e);
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(replaceEnv != null ? replaceEnv : System.getenv());
    env.putAll(addEnv);
    return env;
  }

  static String human(Duration d) {
    if (d == null) {
      return "?";
    }
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.1f s", ms / 1000.0);
  }

  /**
   * Commons Exec's watchdog only destroys the direct child; a shell's background children would live on and
   * keep the output pipes open. This one kills every descendant first (deepest included), then the process.
   */
  private static final class TreeKillingWatchdog extends ExecuteWatchdog {
    private Process process;
    private volatile boolean killed;

    TreeKillingWatchdog(Duration timeout) {
      super(timeout.toMillis());
    }

    @Override
    public synchronized void start(Process p) {
      this.process = p;
      super.start(p);
    }

    @Override
    public synchronized void timeoutOccured(Watchdog w) {
      Process p = process;
      if (p != null && p.isAlive()) {
        killed = true;
        killTree(p.toHandle());
      }
      super.timeoutOccured(w);
    }

    boolean killed() {
      return killed;
    }
  }

  /** Kills a process and all its descendants with SIGKILL, stopping the parent first so it cannot fork more. */
  public static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    // Kill parents before children: a killed child's parent could otherwise start a replacement.
    for (ProcessHandle h : all) {
      h.destroyForcibly();
    }
    // A child forked while we listed may have appeared: sweep once more.
    root.descendants().forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // best effort: the process may not be ours to wait for
      }
    }
  }
}
