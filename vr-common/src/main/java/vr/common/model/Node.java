package vr.common.model;

import vr.common.InputException;

/** A balancer pool member: {@code host:port}. */
public record Node(String host, int port) implements Comparable<Node> {
  public Node {
    String problem = Hosts.problem(host);
    if (problem != null) {
      throw new IllegalArgumentException("node host " + InputException.quote(host) + " " + problem);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("node port must be 1-65535, not " + port);
    }
  }

  /** Parses {@code host:port} (IPv6 as {@code [::1]:port}); throws IllegalArgumentException otherwise. */
  public static Node parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("a node must be host:port");
    }
    String t = s.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("a node must be host:port, not " + InputException.quote(s));
    }
    String host = t.substring(0, colon);
    String port = t.substring(colon + 1);
    if (!port.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("a node must be host:port, not " + InputException.quote(s));
    }
    return new Node(host, Integer.parseInt(port));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }

  @Override
  public int compareTo(Node o) {
    int c = host.compareTo(o.host);
    return c != 0 ? c : Integer.compare(port, o.port);
  }
}
