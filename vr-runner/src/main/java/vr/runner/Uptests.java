package vr.runner;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import vr.common.VrException;
import vr.common.container.Cgroups;
import vr.common.container.Lxc;
import vr.common.fs.Trees;
import vr.common.model.UptestResult;

/**
 * {@code vrun uptest}: every file in the app's {@code uptests/<proc name>/} (not starting with a dot), in name
 * order, each run as {@code <file> <host> <port>} in its own short-lived container made like the proc's. A
 * container per uptest makes the timeout exact: when it expires, everything the uptest started is killed
 * through the container's cgroups, and the next one starts clean. (The original had no timeout: a hanging
 * uptest hung the deploy.) {@link #run} starts the containers itself; {@link #judge} does the rest for
 * containers that vrun's launcher starts from the proc's {@code prepared-uptest} while this JVM starts.
 */
final class Uptests {
  /** Output beyond this is cut: it is shown in a dashboard, not archived. */
  static final int MAX_OUTPUT = 1 << 20;

  private final UptestTemplate template;
  private final Lxc lxc;

  /** Runs uptests from {@code template}, finding their containers' processes through its cgroups. */
  Uptests(UptestTemplate template) {
    this.template = template;
    this.lxc = new Lxc(template.cgroups());
  }

  List<UptestResult> run(Duration timeout) {
    List<String> names = template.names();
    List<UptestResult> results = new ArrayList<>();
    for (String n : names) {
      results.add(runOne(n, template.container(n), timeout));
    }
    return results;
  }

  private UptestResult runOne(String name, UptestTemplate.Container c, Duration timeout) {
    ProcLayout layout = template.layout();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      lxc.prepare(c.name(), layout.lxcPath(), c.upper(), c.config());
      Process p = lxc.start(Lxc.argv(layout.lxcPath(), c.name(), c.command()), new ProcessBuilder()
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
      Thread reader = new Thread(new Runnable() {
        @Override
        public void run() {
          copy(p.getInputStream(), out);
        }
      }, "uptest-output");
      reader.start();
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        lxc.stop(c.name()); // kills the uptest and all it started; the monitor then ends
        p.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(10_000);
      return result(name, text(out), finished ? p.exitValue() : -1, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while running uptest " + name);
    } finally {
      remove(lxc, layout.lxcPath(), c.name(), c.upper().getParent());
    }
  }

  /** One uptest's result from its output and exit status, -1 when it timed out. */
  private static UptestResult result(String name, String text, int status, Duration timeout) {
    if (status < 0) {
      return new UptestResult(name, text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
          + "uptest timed out after " + timeout.toSeconds() + " s and was killed", false);
    }
    return new UptestResult(name, text, status == 0);
  }

  /** Kills what is left of an uptest's container and removes it and its scratch folder. */
  private static void remove(Lxc lxc, Path lxcPath, String name, Path scratch) {
    lxc.remove(name, lxcPath);
    Trees.deleteOrFail(scratch);
  }

  /**
   * {@code vrun _uptest}: judges the uptests that vrun's launcher starts from the proc's
   * {@code prepared-uptest} while this JVM starts (so that the two overlap). The launcher writes to
   * {@code manifest}, one line each: the record's {@code data} lines as it read them, then for each uptest
   * {@code start <container> <file>} before it starts it and {@code done <status> <container>} when it has
   * ended, and {@code end} after the last. Each uptest gets {@code timeout} from its start line on; then its
   * container is killed here, as in {@link #run}, and the launcher goes on with the next one. The output is
   * read from the file the launcher sent it to, and the container and its scratch folder are removed.
   */
  static List<UptestResult> judge(InputStream manifest, Duration timeout) {
    BlockingQueue<String> lines = readInBackground(manifest);
    try {
      Launched launched = new Launched();
      List<UptestResult> results = new ArrayList<>();
      for (String l = lines.take(); !l.equals("end"); l = lines.take()) {
        if (l.startsWith("data ")) {
          launched.data(l.substring(5));
        } else if (l.startsWith("start ")) {
          String[] f = l.split(" ", 3);
          results.add(launched.judge(f[1], f.length > 2 ? f[2] : "", lines, timeout));
        } else if (l.equals(EOF)) {
          throw new VrException("the launcher stopped before all uptests had run");
        } else {
          throw new VrException("unexpected line from the launcher: " + l);
        }
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while running uptests");
    }
  }

  /** The lines of {@code in}, as they come, then {@link #EOF}. */
  private static BlockingQueue<String> readInBackground(InputStream in) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(new Runnable() {
      @Override
      public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            lines.add(l);
          }
        } catch (IOException e) {
          // As the end of the manifest: reported as the launcher's early end.
        }
        lines.add(EOF);
      }
    }, "uptest-manifest");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** Where the launcher's uptest containers are, from the record's data lines it passes on. */
  private static final class Launched {
    private Path lxcPath;
    private Path scratch;
    private String[] cgroups;
    private final List<Path> hierarchies = new ArrayList<>();
    private Lxc lxc;

    void data(String keyValue) {
      String[] kv = keyValue.split(" ", 2);
      String v = kv.length > 1 ? kv[1] : "";
      switch (kv[0]) {
        case "lxcpath" -> lxcPath = Path.of(v);
        case "scratch" -> scratch = Path.of(v);
        case "cgroups" -> cgroups = v.split(" ");
        case "hierarchy" -> hierarchies.add(Path.of(v));
        default -> { } // the launcher's
      }
    }

    /** Waits for the end of uptest {@code file} in {@code container}, killing it when its time is up. */
    UptestResult judge(String container, String file, BlockingQueue<String> lines, Duration timeout)
        throws InterruptedException {
      if (lxc == null) {
        if (lxcPath == null || scratch == null || cgroups == null || cgroups.length != 3) {
          throw new VrException("the launcher's uptest record lacks lxcpath, scratch or cgroups");
        }
        lxc = new Lxc(new Cgroups(Cgroups.Version.valueOf(cgroups[0]), Boolean.parseBoolean(cgroups[1]),
            Boolean.parseBoolean(cgroups[2]), hierarchies));
      }
      Path dir = scratch.resolve(container);
      try {
        String done = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        boolean timedOut = done == null;
        if (timedOut) {
          lxc.stop(container); // the launcher's lxc-execute then ends, and it goes on
          done = lines.poll(30, TimeUnit.SECONDS);
        }
        String[] d = done == null ? new String[0] : done.split(" ", 3);
        if (d.length != 3 || !d[0].equals("done") || !d[2].equals(container) || !digits(d[1])) {
          throw new VrException("the launcher did not report the end of uptest " + file);
        }
        return result(file, output(dir.resolve("output")), timedOut ? -1 : Integer.parseInt(d[1]), timeout);
      } finally {
        remove(lxc, lxcPath, container, dir);
      }
    }
  }

  /** The end of the manifest: no line read can be a line break. */
  private static final String EOF = "\n";

  private static boolean digits(String s) {
    if (s.isEmpty() || s.length() > 3) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** What an uptest wrote, up to {@link #MAX_OUTPUT}; nothing when the file is missing. */
  private static String output(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new VrException("cannot read the uptest output in " + file + ": " + e.getMessage(), e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        synchronized (out) {
          if (out.size() < MAX_OUTPUT) {
            out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // The container was killed; what we have is the output.
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
