package vr.server.hosts;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import vr.common.supervisor.LogTail;

/**
 * Turns supervisord's answers to {@code tailProcessStdoutLog(name, offset, chunk)} into the log's new lines.
 * supervisord answers with the last {@code min(chunk, size)} bytes of the log and its size, whatever offset was
 * asked (its {@code tailFile}), so the new bytes are the last {@code size - offset} of them; more than that
 * means the middle was skipped, and a size below the offset means the log was rotated (followed from its new
 * end). A line without its end yet waits for the next answer; one longer than {@code chunk} goes out in pieces,
 * so memory stays within about two chunks.
 */
final class LogLines {
  private final int chunk;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private long offset;

  LogLines(long offset, int chunk) {
    this.offset = offset;
    this.chunk = chunk;
  }

  /** Where to ask from next. */
  long offset() {
    return offset;
  }

  /** The complete lines that {@code t} adds (empty when nothing new), without their line ends. */
  List<String> take(LogTail t) {
    long size = t.offset();
    long fresh = size - offset;
    long before = offset;
    offset = size;
    List<String> out = new ArrayList<>();
    if (fresh <= 0) {
      return out;
    }
    byte[] data = t.text().getBytes(StandardCharsets.UTF_8);
    if (fresh > data.length) {
      if (partial.size() > 0) {
        out.add(flush());
      }
      out.add("[... " + (fresh - data.length) + " bytes of the log skipped after offset " + before + " ...]");
    }
    for (int i = (int) Math.max(0, data.length - fresh); i < data.length; i++) {
      byte b = data[i];
      if (b == '\n') {
        out.add(flush());
      } else {
        partial.write(b);
        if (partial.size() >= chunk) {
          out.add(flush());
        }
      }
    }
    return out;
  }

  private String flush() {
    String line = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
