package vr.common.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import vr.common.VrException;

/**
 * A local port on 127.0.0.1 whose connections are carried through the SSH connection to a TCP port or a
 * Unix socket on the far host, so that the server reaches, say, a host's supervisord without supervisord
 * listening on the network. Each accepted connection opens its own channel ({@code direct-tcpip} or
 * {@code direct-streamlocal@openssh.com}). {@link #close()} stops accepting, cuts the open connections and
 * gives the SSH connection back to its pool.
 */
public final class PortForward implements AutoCloseable {
  private static final int BUFFER = 32 * 1024;
  private final ClientSession session;
  private final ForwardTarget target;
  private final String label;
  private final ServerSocket server;
  private final ExecutorService threads;
  private final Runnable onClose;
  private final Duration openTimeout;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  PortForward(ClientSession session, String label, ForwardTarget target, ExecutorService threads, Duration openTimeout,
      Runnable onClose) throws IOException {
    this.session = session;
    this.label = label;
    this.target = target;
    this.threads = threads;
    this.openTimeout = openTimeout;
    this.onClose = onClose;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    threads.execute(this::acceptLoop);
  }

  /** The local port, on 127.0.0.1. */
  public int localPort() {
    return server.getLocalPort();
  }

  public ForwardTarget target() {
    return target;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      threads.execute(() -> relay(s));
    }
  }

  private void relay(Socket s) {
    ClientChannel ch = null;
    try {
      open.add(s);
      ch = openChannel();
      ClientChannel c = ch;
      open.add(() -> c.close(true));
      s.setTcpNoDelay(true);
      InputStream fromRemote = ch.getInvertedOut();
      OutputStream toRemote = ch.getInvertedIn();
      threads.execute(() -> {
        try {
          copy(fromRemote, s.getOutputStream());
          s.shutdownOutput();
        } catch (IOException e) {
          closeQuietly(s);
        }
      });
      copy(s.getInputStream(), toRemote);
      toRemote.close(); // EOF to the far side; the channel closes when it answers
    } catch (IOException | RuntimeException e) {
      closeQuietly(s);
      if (ch != null) {
        ch.close(true);
      }
    }
  }

  private ClientChannel openChannel() throws IOException {
    ClientChannel ch;
    if (target instanceof ForwardTarget.Tcp t) {
      InetSocketAddress local = (InetSocketAddress) server.getLocalSocketAddress();
      ch = session.createDirectTcpipChannel(new SshdSocketAddress(local.getHostString(), local.getPort()),
          new SshdSocketAddress(t.host(), t.port()));
    } else {
      ForwardTarget.UnixSocket u = (ForwardTarget.UnixSocket) target;
      StreamLocalChannel sl = new StreamLocalChannel(u.path());
      session.getService(ConnectionService.class).registerChannel(sl);
      ch = sl;
    }
    try {
      ch.open().verify(openTimeout);
    } catch (IOException e) {
      ch.close(true);
      throw new IOException(label + ": cannot forward to " + target + ": " + e.getMessage(), e);
    }
    return ch;
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[BUFFER];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      out.flush();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(server);
    open.forEach(PortForward::closeQuietly);
    open.clear();
    onClose.run();
  }

  /** Checks that the far side accepts a channel to the target, so a wrong socket path fails at {@code forward()}. */
  void probe() {
    try {
      openChannel().close(true);
    } catch (IOException e) {
      close();
      throw new VrException(e.getMessage(), e);
    }
  }
}
