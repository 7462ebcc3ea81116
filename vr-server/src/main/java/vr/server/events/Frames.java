package vr.server.events;

/** The server-sent event texts the streams write, in the original's framing (reference 5.3, 7.6). */
final class Frames {
  /** What a {@code flush} message on a channel becomes: an SSE comment line, as the original sent. */
  static final String FLUSH = ":\n";
  /** Written on an idle stream so that proxies keep it open, and so that a gone client is noticed. */
  static final String KEEP_ALIVE = ": keep-alive\n\n";
  /** Written first, so that the client sees the stream open before any event. */
  static final String HELLO = ": connected\n\n";

  private Frames() {}

  /** A proc change: {@code retry: 1000\ndata: <json>\n\n}, as the original's sseclient {@code Event.dump}. */
  static String proc(String json) {
    return data(new StringBuilder("retry: 1000\n"), json).toString();
  }

  static StringBuilder data(StringBuilder b, String data) {
    for (String line : data.split("\r\n|\r|\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    return b.append('\n');
  }
}
