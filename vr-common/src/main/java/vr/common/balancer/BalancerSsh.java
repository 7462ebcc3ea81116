package vr.common.balancer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import vr.common.InputException;
import vr.common.model.Hosts;
import vr.common.ssh.HostAddress;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.yaml.YamlMap;

/**
 * The SSH keys of a balancer's settings ({@code hosts}, {@code user}, {@code ssh_port}, {@code key_file},
 * {@code known_hosts}, {@code connect_timeout}, {@code password}, {@code accept_unknown_hosts}) against the
 * {@link SshHosts} the balancer is given. The hosts, user and port make each host's address. The client's own
 * settings decide the rest: a server's client is shared by every host it reaches, so a balancer's
 * {@code key_file}, {@code known_hosts} or {@code connect_timeout} that differs from it is accepted with a
 * warning naming what is used instead. {@link #settings} gives a one-off client ({@code vr.cli pool}) the
 * settings one balancer asks for, so that there they are all honoured.
 */
public final class BalancerSsh {
  private BalancerSsh() {}

  /** The addresses of the balancer's hosts; warns about the keys {@code ssh} does not honour. */
  static List<HostAddress> hosts(BalancerConfig c, SshHosts ssh) {
    SshSettings s = ssh.settings();
    String user = c.string("user", s.defaultUser());
    if (user == null || !user.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")) {
      throw c.error("user", "must be a user name (letters, digits, '_', '.' and '-', not starting with '-'), not "
          + InputException.quote(user));
    }
    int sshPort = c.integer("ssh_port", 22, 1, 65535);
    if (c.bool("accept_unknown_hosts", false)) {
      throw c.error("accept_unknown_hosts", "is no longer supported: host keys are always checked against known_hosts ("
          + s.knownHosts() + "); check the host's fingerprint, then add its key there (e.g. ssh-keyscan -p PORT HOST >> known_hosts)");
    }
    c.obsolete("password", "the SSH client logs in with keys only (key_file) and runs root commands through sudo -n,"
        + " which needs a sudo rule without a password for " + user);
    Path knownHosts = c.path("known_hosts", null);
    if (knownHosts != null && !same(knownHosts, s.knownHosts())) {
      c.ignored("known_hosts", "host keys are checked against the SSH client's known_hosts, " + s.knownHosts());
    }
    Path key = c.path("key_file", null);
    if (key != null && s.identities().stream().noneMatch(i -> same(i, key))) {
      c.ignored("key_file", "the SSH client offers its own keys (" + (s.identities().isEmpty() ? "none"
          : String.join(", ", s.identities().stream().map(Path::toString).toList())) + ")");
    }
    Duration timeout = c.seconds("connect_timeout", null);
    if (timeout != null && !timeout.equals(s.connectTimeout())) {
      c.ignored("connect_timeout", "the SSH client's connect timeout of " + s.connectTimeout().toMillis() / 1000.0 + " s applies");
    }
    List<HostAddress> out = new ArrayList<>();
    for (String h : c.stringList("hosts", List.of("localhost"))) {
      String host = h.strip();
      int port = sshPort;
      String portText = null;
      if (host.startsWith("[") && host.contains("]")) { // [v6-address] or [v6-address]:port
        portText = host.endsWith("]") ? null : host.substring(host.indexOf(']') + 1).replaceFirst("^:", "");
        host = host.substring(1, host.indexOf(']'));
      } else if (host.indexOf(':') > 0 && host.indexOf(':') == host.lastIndexOf(':')) {
        portText = host.substring(host.indexOf(':') + 1);
        host = host.substring(0, host.indexOf(':'));
      }
      if (portText != null) {
        if (!portText.matches("[0-9]{1,5}")) {
          throw c.error("hosts", "entry " + InputException.quote(h) + " must be host or host:port");
        }
        port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
          throw c.error("hosts", "entry " + InputException.quote(h) + ": the port must be 1-65535");
        }
      }
      String problem = Hosts.problem(host);
      if (problem != null) {
        throw c.error("hosts", "entry " + InputException.quote(h) + ": the host " + problem);
      }
      try {
        out.add(new HostAddress(user, host, port));
      } catch (InputException e) {
        throw c.error("hosts", "entry " + InputException.quote(h) + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The client settings balancer {@code name} of {@code root}'s {@code BALANCERS} asks for (with a chained
   * balancer's members): its {@code known_hosts} (default {@code ~/.ssh/known_hosts}), its {@code key_file}s
   * (default: the readable ones of {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}), the longest
   * {@code connect_timeout} (default 15 s), and the local user for hosts without {@code user}. For a client
   * opened for one run, as {@code vr.cli pool} does; an unknown name gets the defaults (building the balancers
   * then names the error).
   */
  public static SshSettings settings(YamlMap root, String name) {
    List<Path> knownHosts = new ArrayList<>();
    List<Path> keys = new ArrayList<>();
    List<Duration> timeouts = new ArrayList<>();
    YamlMap all = root.child("BALANCERS");
    YamlMap own = all == null ? null : all.child(name);
    if (own != null) {
      collect(name, own, knownHosts, keys, timeouts);
    }
    if (keys.isEmpty()) {
      Path dir = Path.of(System.getProperty("user.home"), ".ssh");
      for (String n : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
        if (Files.isReadable(dir.resolve(n))) {
          keys.add(dir.resolve(n));
        }
      }
    }
    Path kh = knownHosts.isEmpty() ? Path.of(System.getProperty("user.home"), ".ssh", "known_hosts") : knownHosts.get(0);
    Duration timeout = timeouts.stream().max(Duration::compareTo).orElse(Duration.ofSeconds(15));
    return SshSettings.of(kh, keys).withDefaultUser(System.getProperty("user.name")).withConnectTimeout(timeout);
  }

  private static void collect(String name, YamlMap m, List<Path> knownHosts, List<Path> keys, List<Duration> timeouts) {
    BalancerConfig c = new BalancerConfig(name, m);
    Path kh = c.path("known_hosts", null);
    if (kh != null) {
      knownHosts.add(kh);
    }
    Path key = c.path("key_file", null);
    if (key != null && keys.stream().noneMatch(k -> same(k, key))) {
      keys.add(key);
    }
    Duration t = c.seconds("connect_timeout", null);
    if (t != null && !t.isZero()) {
      timeouts.add(t);
    }
    if ("chained".equals(m.string("BACKEND")) || "vr.common.balancer.chained.ChainedBalancer".equals(m.string("BACKEND"))) {
      List<YamlMap> members = m.children("BALANCERS");
      for (int i = 0; members != null && i < members.size(); i++) {
        collect(name + "[" + (i + 1) + "]", members.get(i), knownHosts, keys, timeouts);
      }
    }
  }

  private static boolean same(Path a, Path b) {
    return Objects.equals(a.toAbsolutePath().normalize(), b.toAbsolutePath().normalize());
  }
}
