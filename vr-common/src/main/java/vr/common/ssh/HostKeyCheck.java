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

  HostKeyCheck(Path file) {
    super(RejectAllServerKeyVerifier.INSTANCE, file);
    this.file = file;
  }

  Path file() {
    return file;
  }

  @Override
  protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
    session.setAttribute(REFUSAL, new Refusal(false, KeyUtils.getFingerPrint(key), KeyUtils.getKeyType(key), null));
    return false;
  }

  @Override
  public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected,
      PublicKey actual) {
    session.setAttribute(REFUSAL,
        new Refusal(true, KeyUtils.getFingerPrint(actual), KeyUtils.getKeyType(actual), KeyUtils.getFingerPrint(expected)));
    return false; // a changed host key is a rebuilt host or an attack: a human decides
  }
}
