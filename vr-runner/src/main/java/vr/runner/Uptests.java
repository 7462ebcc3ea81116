package vr.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import vr.common.VrException;
import vr.common.container.ContainerSpec;
import vr.common.container.Lxc;
import vr.common.fs.Trees;

/**
 * {@code vrun uptest}: every file in the app's {@code uptests/<proc name>/} (not starting with a dot), in name
 * order, each run as {@code <file> <host> <port>} in its own short-lived container made like the proc's. A
 * container per uptest makes the timeout exact: when it expires, everything the uptest started is killed
 * through the container's cgroups, and the next one starts clean. (The original had no timeout: a hanging
 * uptest hung the deploy.)
 */
final class Uptests {
  /** Output beyond this is cut: it is shown in a dashboard, not archived. */
  static final int MAX_OUTPUT = 1 << 20;

  private final Lxc lxc;

  Uptests(Lxc lxc) {
    this.lxc = lxc;
  }

  List<UptestResult> run(ProcPlan plan, ProcLayout layout, Path image, Duration timeout) {
    String proc = plan.proc().procName();
    Path dir = proc == null ? null : layout.app().resolve("uptests").resolve(proc);
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path f : ds) {
        String n = f.getFileName().toString();
        if (!n.startsWith(".")) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw new VrException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    names.sort(null);
    String host = plan.proc().host() == null ? "localhost" : plan.proc().host();
    List<UptestResult> results = new ArrayList<>();
    for (String n : names) {
      List<String> cmd = ProcContainers.wrapped(
          List.of("/app/uptests/" + proc + "/" + n, host, Integer.toString(plan.port())));
      ContainerSpec spec = ProcContainers.spec(plan, layout, image, ProcContainers.Kind.UPTEST, Extras.NONE, cmd);
      results.add(runOne(n, spec, timeout));
    }
    return results;
  }

  private UptestResult runOne(String name, ContainerSpec spec, Duration timeout) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Process p = lxc.start(spec, new ProcessBuilder().redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
      Thread reader = new Thread(new Runnable() {
        @Override
        public void run() {
          copy(p.getInputStream(), out);
        }
      }, "uptest-output");
      reader.start();
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        lxc.stop(spec.name()); // kills the uptest and all it started; the monitor then ends
        p.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(10_000);
      String text = text(out);
      if (!finished) {
        return new UptestResult(name, text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
            + "uptest timed out after " + timeout.toSeconds() + " s and was killed", false);
      }
      return new UptestResult(name, text, p.exitValue() == 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while running uptest " + name);
    } finally {
      lxc.remove(spec);
      Trees.deleteOrFail(spec.upper().getParent());
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

  /**
   * The JSON array on one line, as the original's uptester printed it. Written by hand: three fixed keys do
   * not need a JSON library, and loading one costs a CLI start-up a tenth of a second.
   */
  static String json(List<UptestResult> results) {
    StringBuilder b = new StringBuilder("[");
    for (UptestResult r : results) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"Name\":").append(string(r.name())).append(",\"Output\":").append(string(r.output()))
          .append(",\"Passed\":").append(r.passed()).append('}');
    }
    return b.append(']').toString();
  }

  static String string(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
