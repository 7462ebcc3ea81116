package vr.common.ssh;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first and the last {@code max / 2} bytes of a stream and counts the rest: the start of a
 * command's output says what it was doing, the end why it stopped (the tools print their one-line error
 * last), and the middle of a 1 GB log must not reach the heap.
 */
final class BoundedCapture extends OutputStream {
  private final byte[] head;
  private final byte[] tail;
  private int headLen;
  /** Bytes written to the tail ring so far; the ring holds the last {@code min(tailWritten, tail.length)}. */
  private long tailWritten;
  private long total;

  BoundedCapture(int max) {
    head = new byte[max - max / 2];
    tail = new byte[max / 2];
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int n) {
    total += n;
    int h = Math.min(n, head.length - headLen);
    System.arraycopy(b, off, head, headLen, h);
    headLen += h;
    off += h;
    n -= h;
    if (n == 0 || tail.length == 0) {
      return;
    }
    if (n >= tail.length) { // only the last tail.length bytes of this write can survive
      off += n - tail.length;
      n = tail.length;
    }
    int pos = (int) (tailWritten % tail.length);
    int first = Math.min(n, tail.length - pos);
    System.arraycopy(b, off, tail, pos, first);
    System.arraycopy(b, off + first, tail, 0, n - first);
    tailWritten += n;
  }

  /** Every byte written, kept or not. */
  synchronized long total() {
    return total;
  }

  /** The bytes kept; when some were dropped, a marker line between head and tail says how many. */
  synchronized String text() {
    String h = new String(head, 0, headLen, StandardCharsets.UTF_8);
    long dropped = total - headLen - Math.min(tailWritten, tail.length);
    int tl = (int) Math.min(tailWritten, tail.length);
    byte[] t = new byte[tl];
    int start = (int) (tailWritten % tail.length);
    if (tailWritten <= tail.length) {
      System.arraycopy(tail, 0, t, 0, tl);
    } else {
      System.arraycopy(tail, start, t, 0, tail.length - start);
      System.arraycopy(tail, 0, t, tail.length - start, start);
    }
    String mid = dropped > 0 ? "\n[... " + dropped + " bytes not kept ...]\n" : "";
    return h + mid + new String(t, StandardCharsets.UTF_8);
  }
}
