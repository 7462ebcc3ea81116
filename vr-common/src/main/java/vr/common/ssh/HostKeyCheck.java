package vr.common.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Checks host keys against one known_hosts file and refuses both an unknown and a changed key, leaving on
 * the session what it refused and why, so that the connect that fails can say so in one line (MINA itself
 * only reports "Server key did not validate").
 */
final class HostKeyCheck extends KnownHostsServerKeyVerifier {
  static final AttributeKey<Refusal> REFUSAL = new AttributeKey<>();

  /** A refused key: changed or unknown, its fingerprint, and the recorded one for a changed key. */
  record Refusal(boolean changed, String fingerprint, String keyType, String expectedFingerprint) {}

  private final Path file;
  /**
   * The last refusal by remote address, for a connect whose future fails before it hands out its session (seen
   * under load): the session, and its attribute, never reach the caller then.
   */
  private final java.util.Map<String, Refusal> lastByAddress = new java.util.concurrent.ConcurrentHashMap<>();

  HostKeyCheck(Path file) {
    super(RejectAllServerKeyVerifier.INSTANCE, file);
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Takes (and forgets) the last refusal of {@code host:port}, if any. */
  Refusal takeRefusal(String host, int port) {
    return lastByAddress.remove(host + ":" + port);
  }

  private void refuse(ClientSession session, SocketAddress remote, Refusal r) {
    session.setAttribute(REFUSAL, r);
    if (remote instanceof java.net.InetSocketAddress i) {
      lastByAddress.put(i.getHostString() + ":" + i.getPort(), r);
      if (i.getAddress() != null) {
        lastByAddress.put(i.getAddress().getHostAddress() + ":" + i.getPort(), r);
      }
    }
  }

  @Override
  protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
    refuse(session, remote, new Refusal(false, KeyUtils.getFingerPrint(key), KeyUtils.getKeyType(key), null));
    return false;
  }

  @Override
  public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected,
      PublicKey actual) {
    refuse(session, remote,
        new Refusal(true, KeyUtils.getFingerPrint(actual), KeyUtils.getKeyType(actual), KeyUtils.getFingerPrint(expected)));
    return false; // a changed host key is a rebuilt host or an attack: a human decides
  }
}
