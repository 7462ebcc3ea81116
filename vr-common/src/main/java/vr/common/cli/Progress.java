package vr.common.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long operation (a download, an extraction) measured in bytes. {@link #auto()} draws a
 * bar on stderr when a terminal is attached and {@code VR_PROGRESS} is not {@code 0}; everywhere else (logs,
 * CI, supervisor) it stays silent. {@link #NONE} is always silent. Implementations are thread-safe: workers may
 * call {@link #advance} from any thread.
 */
public interface Progress {
  /** Starts (or restarts) the operation; {@code total} in bytes, or -1 when unknown. */
  void begin(String label, long total);

  /** Adds {@code bytes} done. */
  void advance(long bytes);

  /** Ends the operation (clears or completes the bar). */
  void done();

  /** Silent progress. */
  Progress NONE = new Progress() {
    @Override
    public void begin(String label, long total) {}

    @Override
    public void advance(long bytes) {}

    @Override
    public void done() {}
  };

  /** A bar on stderr when stderr is a terminal and VR_PROGRESS is not 0, else {@link #NONE}. */
  static Progress auto() {
    boolean off = "0".equals(System.getenv("VR_PROGRESS")) || "false".equalsIgnoreCase(System.getenv("VR_PROGRESS"));
    return System.console() != null && !off ? new Bar(System.err) : NONE;
  }

  /** A bar drawn on {@code out} regardless of terminals (for tests and for callers that decided themselves). */
  static Progress bar(PrintStream out) {
    return new Bar(out);
  }

  /** A text bar redrawn at most ten times a second: {@code label [#####.....]  45% 12.3/27.0 MB}. */
  final class Bar implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final AtomicLong done = new AtomicLong();
    private volatile long total = -1;
    private volatile String label = "";
    private volatile long lastDraw;
    private volatile boolean drawn;

    Bar(PrintStream out) {
      this.out = out;
    }

    @Override
    public void begin(String label, long total) {
      this.label = label;
      this.total = total;
      done.set(0);
      lastDraw = 0;
      draw(false);
    }

    @Override
    public void advance(long bytes) {
      done.addAndGet(bytes);
      long now = System.nanoTime();
      if (now - lastDraw > 100_000_000L) {
        lastDraw = now;
        draw(false);
      }
    }

    @Override
    public void done() {
      if (total > 0) {
        done.set(total);
      }
      draw(true);
    }

    private synchronized void draw(boolean end) {
      out.print("\r" + line() + (end ? "\n" : ""));
      out.flush();
      drawn = !end;
    }

    /** The current bar text (without carriage return). */
    String line() {
      long d = done.get();
      long t = total;
      if (t <= 0) {
        return String.format(Locale.ROOT, "%s %s", label, mb(d));
      }
      int pct = (int) Math.min(100, d * 100 / t);
      int fill = pct * WIDTH / 100;
      return String.format(Locale.ROOT, "%s [%s%s] %3d%% %s/%s", label, "#".repeat(fill), ".".repeat(WIDTH - fill), pct, mb(d), mb(t));
    }

    boolean isDrawn() {
      return drawn;
    }

    private static String mb(long bytes) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
  }
}
