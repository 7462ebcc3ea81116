package vr.builder.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Bytes (UTF-8, e.g. a build's output) onto a PrintWriter, for the in-process entry {@code run(out, err, args)}. */
final class WriterOutputStream extends OutputStream {
  private final PrintWriter writer;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer pending = ByteBuffer.allocate(8192);
  private final CharBuffer chars = CharBuffer.allocate(8192);

  WriterOutputStream(PrintWriter writer) {
    this.writer = writer;
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    while (len > 0) {
      int n = Math.min(len, pending.remaining());
      pending.put(b, off, n);
      off += n;
      len -= n;
      drain();
    }
  }

  private void drain() {
    pending.flip();
    CoderResult r;
    do {
      r = decoder.decode(pending, chars, false);
      chars.flip();
      writer.append(chars);
      chars.clear();
    } while (r.isOverflow());
    // underflow: everything decoded except perhaps an incomplete multi-byte sequence, kept for the next write
    pending.compact();
  }

  @Override
  public synchronized void flush() {
    writer.flush();
  }
}
