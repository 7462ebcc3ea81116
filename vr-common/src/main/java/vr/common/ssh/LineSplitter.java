package vr.common.ssh;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into lines for an {@link OutputListener} as the bytes arrive, holding at most one line
 * (and cutting lines longer than {@code maxLine} into pieces), so a remote command printing gigabytes costs
 * no more memory than its longest line up to that cap. A line handed over has no line terminator; a final
 * line without a newline is handed over by {@link #close()}.
 */
final class LineSplitter extends OutputStream {
  private final OutputListener listener;
  private final OutputListener.Stream stream;
  private final byte[] line;
  private int len;
  private boolean closed;

  LineSplitter(OutputListener listener, OutputListener.Stream stream, int maxLine) {
    this.listener = listener;
    this.stream = stream;
    this.line = new byte[maxLine];
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int n) {
    for (int i = off; i < off + n; i++) {
      byte c = b[i];
      if (c == '\n') {
        emit();
      } else {
        if (len == line.length) {
          emit();
        }
        line[len++] = c;
      }
    }
  }

  private void emit() {
    int end = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
    String s = new String(line, 0, end, StandardCharsets.UTF_8);
    len = 0;
    listener.line(stream, s);
  }

  @Override
  public void close() {
    if (!closed && len > 0) {
      emit();
    }
    closed = true;
  }
}
