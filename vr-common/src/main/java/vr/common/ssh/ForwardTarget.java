package vr.common.ssh;

/** What a {@link PortForward} reaches on the far host: a TCP port or a Unix socket, as seen from that host. */
public sealed interface ForwardTarget {
  /** A TCP port on the far host, e.g. {@code tcp("127.0.0.1", 9001)} for a supervisord bound to loopback only. */
  static ForwardTarget tcp(String host, int port) {
    return new Tcp(host, port);
  }

  /** A Unix socket on the far host, e.g. supervisord's {@code /var/run/supervisor.sock}. */
  static ForwardTarget unixSocket(String path) {
    return new UnixSocket(path);
  }

  record Tcp(String host, int port) implements ForwardTarget {
    public Tcp {
      if (host == null || host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("forward target must be host and port 1-65535, not " + host + ":" + port);
      }
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  record UnixSocket(String path) implements ForwardTarget {
    public UnixSocket {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("forward target socket must be an absolute path, not " + path);
      }
    }

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }
}
