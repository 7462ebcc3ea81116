package vr.server.swarm;

import java.util.ArrayList;
import java.util.List;
import vr.common.ssh.OutputListener;

/**
 * A build's output as it arrives from the build host: kept (up to a limit) for the stored compile log, and
 * handed out in batches for events. Lines arrive on the SSH client's I/O thread, which must not block, so
 * {@link #line} only appends; the job's own thread takes the batches ({@link #drain}) and publishes them.
 */
final class BuildLog implements OutputListener {
  private final int maxChars;
  private final StringBuilder all = new StringBuilder();
  private final List<String> pending = new ArrayList<>();
  private long dropped;

  BuildLog(int maxChars) {
    this.maxChars = maxChars;
  }

  @Override
  public synchronized void line(Stream stream, String line) {
    if (all.length() + line.length() + 1 <= maxChars) {
      all.append(line).append('\n');
    } else {
      dropped++;
    }
    if (pending.size() < 10_000) {
      pending.add(line);
    }
  }

  /** The lines since the last call. */
  synchronized List<String> drain() {
    List<String> out = List.copyOf(pending);
    pending.clear();
    return out;
  }

  /** Everything kept, with a note of what the limit cut. */
  synchronized String text() {
    return dropped == 0 ? all.toString() : all + "... " + dropped + " more lines not kept\n";
  }
}
