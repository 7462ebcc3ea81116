package vr.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * supervisord's event listener protocol on our stdin/stdout: we write {@code READY\n}; supervisord sends a
 * header line ending in {@code len:<n>} and a payload of n characters (supervisord counts characters of the
 * text it then writes as UTF-8); we answer {@code RESULT 2\nOK}. Nothing else may ever reach stdout.
 * Payloads beyond {@code maxPayloadChars} are read (to stay in step) but not kept.
 */
public final class EventListenerProtocol {
  private static final byte[] READY = "READY\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK = "RESULT 2\nOK".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER_BYTES = 8192;

  private final InputStream in;
  private final OutputStream out;
  private final int maxPayloadChars;

  public EventListenerProtocol(InputStream in, OutputStream out, int maxPayloadChars) {
    this.in = in;
    this.out = out;
    this.maxPayloadChars = maxPayloadChars;
  }

  /** Says READY and waits for the next event; null when supervisord closed our stdin. */
  public ListenerEvent next() throws IOException {
    out.write(READY);
    out.flush();
    String header = headerLine();
    if (header == null) {
      return null;
    }
    String len = ListenerEvent.tokens(header).get("len");
    int chars;
    try {
      chars = Integer.parseInt(len);
    } catch (NumberFormatException e) {
      throw new IOException("event header without a valid len: " + header);
    }
    if (chars < 0) {
      throw new IOException("event header with a negative len: " + header);
    }
    return ListenerEvent.parse(header, payload(chars));
  }

  /** Acknowledges the event just handled. */
  public void ok() throws IOException {
    out.write(OK);
    out.flush();
  }

  private String headerLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new IOException("stdin closed in the middle of an event header");
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() >= MAX_HEADER_BYTES) {
        throw new IOException("event header longer than " + MAX_HEADER_BYTES + " bytes: not speaking supervisor's protocol");
      }
      line.write(b);
    }
  }

  /** Reads {@code chars} code points of UTF-8, keeping at most {@code maxPayloadChars} of them. */
  private String payload(int chars) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(chars, maxPayloadChars) + 16);
    for (int i = 0; i < chars; i++) {
      int lead = read();
      int extra = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
      boolean keep = i < maxPayloadChars;
      if (keep) {
        kept.write(lead);
      }
      for (int k = 0; k < extra; k++) {
        int b = read();
        if (keep) {
          kept.write(b);
        }
      }
    }
    return kept.toString(StandardCharsets.UTF_8);
  }

  private int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("stdin closed in the middle of an event payload");
    }
    return b;
  }
}
