package vr.common.ssh;

import java.io.IOException;
import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * OpenSSH's {@code direct-streamlocal@openssh.com} channel: sshd connects to a Unix socket on its host and
 * relays the channel's bytes to it (what {@code ssh -L port:/path/to.sock} uses). MINA SSHD 2.20 has no
 * client for it, only {@code direct-tcpip}; the open request differs from direct-tcpip's only in its
 * fields (socket path, a reserved string and a reserved uint32, per OpenSSH's PROTOCOL file), so this
 * channel reuses MINA's direct-tcpip stream handling and writes its own open request.
 */
final class StreamLocalChannel extends AsyncCapableClientChannel {
  static final String TYPE = "direct-streamlocal@openssh.com";
  private final String socketPath;

  StreamLocalChannel(String socketPath) {
    super(TYPE, false);
    this.socketPath = socketPath;
  }

  @Override
  public synchronized OpenFuture open() throws IOException {
    if (closeFuture.isClosed()) {
      throw new SshException("Session has been closed");
    }
    openFuture = new DefaultOpenFuture(socketPath, futureLock);
    Session session = getSession();
    Buffer b = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, TYPE.length() + socketPath.length() + 64);
    b.putString(TYPE);
    b.putUInt(getChannelId());
    b.putUInt(getLocalWindow().getSize());
    b.putUInt(getLocalWindow().getPacketSize());
    b.putString(socketPath);
    b.putString(""); // reserved
    b.putUInt(0); // reserved
    writePacket(b);
    return openFuture;
  }
}
