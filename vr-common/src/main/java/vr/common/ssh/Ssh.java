package vr.common.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import vr.common.VrException;

/**
 * Opens SSH connections (Apache MINA SSHD). One client is kept per host-key policy (known_hosts file and
 * whether unknown keys are accepted), because the key is checked during key exchange, before a session
 * object could carry its own policy. Unknown host keys are refused unless the target accepts them, in
 * which case they are appended to its known_hosts; a changed key is always refused.
 */
public final class Ssh {
  private static final Map<String, SshClient> CLIENTS = new ConcurrentHashMap<>();
  /** Idle connections by target, newest last; kept {@link #IDLE} at most. */
  private static final Map<SshTarget, java.util.Deque<SshConnection>> IDLE_POOL = new ConcurrentHashMap<>();
  static final java.time.Duration IDLE = java.time.Duration.ofSeconds(30);

  private Ssh() {}

  /**
   * A connection to {@code t} that returns to a pool when closed, for the next change within
   * {@link #IDLE}: logging in (key exchange and authentication) costs more than a whole nginx reload, and
   * a server making many pool changes in a row pays it once. A pooled connection serves one caller at a time.
   */
  public static SshConnection pooled(SshTarget t) {
    java.util.Deque<SshConnection> idle = IDLE_POOL.computeIfAbsent(t, k -> new java.util.ArrayDeque<>());
    synchronized (idle) {
      while (!idle.isEmpty()) {
        SshConnection c = idle.pollLast();
        if (c.usable(IDLE)) {
          return c;
        }
        c.discard();
      }
    }
    SshConnection c = connect(t);
    c.poolable(true);
    return c;
  }

  /** Puts a pooled connection back for reuse. */
  static void release(SshConnection c) {
    java.util.Deque<SshConnection> idle = IDLE_POOL.computeIfAbsent(c.target(), k -> new java.util.ArrayDeque<>());
    synchronized (idle) {
      idle.addLast(c);
      while (idle.size() > 4) {
        idle.pollFirst().discard();
      }
    }
  }

  /** Connects and authenticates; the caller closes the connection. */
  public static SshConnection connect(SshTarget t) {
    SshClient client = client(t.knownHosts(), t.acceptUnknownHosts());
    ClientSession session = null;
    try {
      session = client.connect(t.user(), t.host(), t.port()).verify(t.timeout()).getSession();
      if (t.password() != null) {
        session.addPasswordIdentity(t.password());
      }
      List<Path> keys = new ArrayList<>();
      if (t.keyFile() != null) {
        if (!Files.isReadable(t.keyFile())) {
          throw new VrException(t.label() + ": cannot read ssh key file " + t.keyFile());
        }
        keys.add(t.keyFile());
      } else if (t.password() == null) {
        keys.addAll(defaultKeys());
      }
      if (!keys.isEmpty()) {
        session.setKeyIdentityProvider(new FileKeyPairProvider(keys));
      }
      session.auth().verify(t.timeout());
      return new SshConnection(t, session);
    } catch (IOException | RuntimeException e) {
      if (session != null) {
        session.close(true);
      }
      if (e instanceof VrException v) {
        throw v;
      }
      throw new VrException(t.label() + ": ssh " + describe(e, t), e);
    }
  }

  private static String describe(Exception e, SshTarget t) {
    String m = String.valueOf(e.getMessage());
    Throwable c = e;
    while (c != null) {
      if (c.getMessage() != null && c.getMessage().contains("Server key did not validate")) {
        return "host key of " + t.label() + " is not trusted: it is not in " + t.knownHosts()
            + (t.acceptUnknownHosts() ? " or differs from the recorded one" : " (set accept_unknown_hosts: true to accept and record it)");
      }
      if (c instanceof java.net.ConnectException) {
        return "connection refused";
      }
      c = c.getCause();
    }
    if (m.contains("No more authentication methods")) {
      return "login as " + t.user() + " failed (no accepted key or password)";
    }
    return "failed: " + m.replace('\n', ' ');
  }

  private static List<Path> defaultKeys() {
    List<Path> out = new ArrayList<>();
    Path dir = Path.of(System.getProperty("user.home"), ".ssh");
    for (String n : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
      if (Files.isReadable(dir.resolve(n))) {
        out.add(dir.resolve(n));
      }
    }
    return out;
  }

  private static SshClient client(Path knownHosts, boolean acceptUnknown) {
    return CLIENTS.computeIfAbsent(knownHosts.toAbsolutePath() + "|" + acceptUnknown, k -> {
      SshClient c = SshClient.setUpDefaultClient();
      SshHosts.noDelay(c);
      ServerKeyVerifier unknown = acceptUnknown ? AcceptAllServerKeyVerifier.INSTANCE : RejectAllServerKeyVerifier.INSTANCE;
      c.setServerKeyVerifier(new KnownHostsServerKeyVerifier(unknown, knownHosts) {
        @Override
        public boolean acceptModifiedServerKey(ClientSession s, SocketAddress a, org.apache.sshd.client.config.hosts.KnownHostEntry e,
            PublicKey expected, PublicKey actual) {
          return false; // a changed host key is an attack or a rebuilt host: a human decides
        }
      });
      c.start();
      return c;
    });
  }

  /** The SHA256 fingerprint of a key, as OpenSSH prints it: for messages. */
  static String fingerprint(PublicKey k) {
    return KeyUtils.getFingerPrint(k);
  }
}
