package vr.imager;

import java.io.IOException;
import java.io.OutputStream;

/** Copies every write to two streams and flushes both, so a script's output reaches the terminal as it comes. */
final class Tee extends OutputStream {
  private final OutputStream a;
  private final OutputStream b;

  Tee(OutputStream a, OutputStream b) {
    this.a = a;
    this.b = b;
  }

  @Override
  public synchronized void write(int c) throws IOException {
    a.write(c);
    b.write(c);
  }

  @Override
  public synchronized void write(byte[] buf, int off, int len) throws IOException {
    a.write(buf, off, len);
    a.flush();
    b.write(buf, off, len);
    b.flush();
  }

  @Override
  public synchronized void flush() throws IOException {
    a.flush();
    b.flush();
  }

  /** Closes neither stream: their owners do. */
  @Override
  public void close() throws IOException {
    flush();
  }
}
