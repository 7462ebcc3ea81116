package vr.common.supervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * XML-RPC over supervisord's {@code [unix_http_server]} socket: one HTTP/1.0 POST per connection, which
 * supervisord answers and then closes. Non-blocking I/O with a selector gives the timeout that blocking
 * Unix-domain channels lack; the whole exchange must finish within it.
 */
final class UnixRpcTransport implements RpcTransport {
  /** Room for the status line and headers on top of the body cap. */
  private static final int HEADER_ALLOWANCE = 16 * 1024;

  private final Path socket;
  private final String authorization;
  private final int maxResponseBytes;

  UnixRpcTransport(Path socket, String username, String password, int maxResponseBytes) {
    this.socket = socket;
    this.authorization = HttpRpcTransport.basic(username, password);
    this.maxResponseBytes = maxResponseBytes;
  }

  @Override
  public String describe() {
    return "unix://" + socket;
  }

  @Override
  public byte[] post(byte[] body, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector sel = Selector.open()) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        throw new ConnectFailedException("cannot connect to " + describe() + ": " + e.getMessage(), e);
      }
      ch.configureBlocking(false);
      SelectionKey key = ch.register(sel, SelectionKey.OP_WRITE);
      ByteBuffer out = ByteBuffer.wrap(request(body));
      while (out.hasRemaining()) {
        await(sel, deadline, timeout);
        ch.write(out);
      }
      key.interestOps(SelectionKey.OP_READ);
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      int limit = maxResponseBytes + HEADER_ALLOWANCE;
      while (true) {
        await(sel, deadline, timeout);
        int n = ch.read(buf);
        if (n < 0) {
          break;
        }
        if (in.size() + n > limit) {
          throw new XmlRpcProtocolException("response from " + describe() + " exceeds " + maxResponseBytes + " bytes; refused");
        }
        in.write(buf.array(), 0, n);
        buf.clear();
      }
      return parse(in.toByteArray());
    }
  }

  /** Waits for readiness; a spurious wake-up just lets the caller try a non-blocking read or write again. */
  private void await(Selector sel, long deadline, Duration timeout) throws IOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new IOException("no answer from " + describe() + " within " + timeout.toMillis() + " ms");
    }
    sel.select(left);
    sel.selectedKeys().clear();
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling " + describe());
    }
  }

  private byte[] request(byte[] body) {
    StringBuilder h = new StringBuilder(160)
        .append("POST /RPC2 HTTP/1.0\r\n")
        .append("Host: localhost\r\n")
        .append("User-Agent: vr-suite\r\n")
        .append("Content-Type: text/xml\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n");
    if (authorization != null) {
      h.append("Authorization: ").append(authorization).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private byte[] parse(byte[] raw) throws IOException {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (end < 0) {
      throw new IOException("truncated HTTP response from " + describe());
    }
    String[] head = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] status = head[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response from " + describe() + ": " + head[0]);
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad HTTP status line from " + describe() + ": " + head[0], e);
    }
    if (code == 401) {
      throw new SupervisorAuthException("supervisor at " + describe()
          + " rejected the credentials (HTTP 401); check the supervisor username and password");
    }
    if (code != 200) {
      throw new IOException("supervisor at " + describe() + " answered HTTP " + code);
    }
    int bodyStart = end + 4;
    int bodyLen = raw.length - bodyStart;
    for (int i = 1; i < head.length; i++) {
      String line = head[i];
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        int declared;
        try {
          declared = Integer.parseInt(line.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length from " + describe(), e);
        }
        if (declared > bodyLen) {
          throw new IOException("truncated response from " + describe() + ": " + bodyLen + " of " + declared + " bytes");
        }
        bodyLen = declared;
      }
    }
    if (bodyLen > maxResponseBytes) {
      throw new XmlRpcProtocolException("response from " + describe() + " exceeds " + maxResponseBytes + " bytes; refused");
    }
    byte[] out = new byte[bodyLen];
    System.arraycopy(raw, bodyStart, out, 0, bodyLen);
    return out;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
