package vr.common.ssh;

import vr.common.InputException;

/** Where to log in: user, host and SSH port. {@link #label()} is how messages name it. */
public record HostAddress(String user, String host, int port) {
  public HostAddress {
    if (host == null || host.isBlank() || host.startsWith("-") || !host.matches("[A-Za-z0-9_.:%-]+")) {
      throw new InputException("ssh host must be a host name or address, not " + InputException.quote(host));
    }
    if (user == null || !user.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")) {
      throw new InputException("ssh user must be a user name, not " + InputException.quote(user));
    }
    if (port < 1 || port > 65535) {
      throw new InputException("ssh port must be 1-65535, not " + port);
    }
  }

  /**
   * Parses {@code [user@]host[:port]} ({@code [v6-address]:port} for IPv6), with {@code defaultUser} and
   * port 22 for the parts left out.
   */
  public static HostAddress parse(String spec, String defaultUser) {
    if (spec == null) {
      throw new InputException("ssh host is missing");
    }
    String s = spec.strip();
    String user = defaultUser;
    int at = s.lastIndexOf('@');
    if (at >= 0) {
      user = s.substring(0, at);
      s = s.substring(at + 1);
    }
    String host = s;
    String portText = null;
    if (s.startsWith("[") && s.indexOf(']') > 0) {
      host = s.substring(1, s.indexOf(']'));
      String rest = s.substring(s.indexOf(']') + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new InputException("ssh host " + InputException.quote(spec) + " must be [user@]host[:port]");
        }
        portText = rest.substring(1);
      }
    } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      portText = s.substring(s.indexOf(':') + 1);
    }
    int port = 22;
    if (portText != null) {
      if (!portText.matches("[0-9]{1,5}")) {
        throw new InputException("ssh host " + InputException.quote(spec) + " must be [user@]host[:port]");
      }
      port = Integer.parseInt(portText);
    }
    return new HostAddress(user, host, port);
  }

  /** True when commands need sudo to act as root. */
  public boolean needsSudo() {
    return !"root".equals(user);
  }

  /** {@code host} for port 22, else {@code host:port} ({@code [v6]:port}). */
  public String label() {
    if (port == 22) {
      return host;
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return user + "@" + label();
  }
}
