package vr.common.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.EnumSet;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import vr.common.VrException;

/**
 * SFTP transfers that never leave a half-written file in place. An upload goes to a temp file beside the
 * target (same directory, so the rename cannot cross file systems), is fsynced, gets its mode, and is then
 * renamed over the target with OpenSSH's {@code posix-rename@openssh.com} (plain SFTP rename refuses to
 * replace an existing file). On any failure the temp file is removed and the old file stays. A download
 * goes to a local temp file beside the target and is moved into place.
 */
final class SftpFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SftpFiles() {}

  static void upload(ClientSession session, HostAddress a, InputStream content, String remotePath, int mode) {
    String dir = remotePath.contains("/") ? remotePath.substring(0, remotePath.lastIndexOf('/') + 1) : "";
    String name = remotePath.substring(dir.length());
    if (name.isEmpty()) {
      throw new VrException(a.label() + ": upload target " + remotePath + " is a directory");
    }
    String tmp = dir + "." + name + ".vr-upload-" + Long.toHexString(RANDOM.nextLong());
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
      OpenSSHPosixRenameExtension rename = sftp.getExtension(OpenSSHPosixRenameExtension.class);
      if (!rename.isSupported()) {
        throw new VrException(a.label() + ": the SFTP server lacks posix-rename@openssh.com, so " + remotePath
            + " cannot be replaced atomically");
      }
      boolean placed = false;
      try {
        try (SftpClient.CloseableHandle h = sftp.open(tmp,
            EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
          writeAll(sftp, h, content);
          OpenSSHFsyncExtension fsync = sftp.getExtension(OpenSSHFsyncExtension.class);
          if (fsync.isSupported()) {
            fsync.fsync(h);
          }
          sftp.setStat(h, new SftpClient.Attributes().perms(mode & 07777));
        }
        rename.posixRename(tmp, remotePath);
        placed = true;
      } finally {
        if (!placed) {
          try {
            sftp.remove(tmp);
          } catch (IOException e) {
            // never created, or the connection is gone; the name is random and starts with a dot
          }
        }
      }
    } catch (IOException e) {
      throw new VrException(a.label() + ": cannot write " + remotePath + ": " + oneLine(e), e);
    }
  }

  private static void writeAll(SftpClient sftp, SftpClient.Handle h, InputStream in) throws IOException {
    byte[] buf = new byte[32 * 1024];
    long offset = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      sftp.write(h, offset, buf, 0, n);
      offset += n;
    }
  }

  static byte[] read(ClientSession session, HostAddress a, String remotePath, int maxBytes) {
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session); InputStream in = sftp.read(remotePath)) {
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        throw new VrException(a.label() + ": " + remotePath + " is larger than " + maxBytes + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw new VrException(a.label() + ": cannot read " + remotePath + ": " + oneLine(e), e);
    }
  }

  static void download(ClientSession session, HostAddress a, String remotePath, Path local) {
    Path dir = local.toAbsolutePath().getParent();
    Path tmp = null;
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session); InputStream in = sftp.read(remotePath)) {
      tmp = Files.createTempFile(dir, "." + local.getFileName() + ".", ".vr-download");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        in.transferTo(out);
      }
      Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new VrException(a.label() + ": cannot download " + remotePath + " to " + local + ": " + oneLine(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }

  private static String oneLine(Exception e) {
    return String.valueOf(e.getMessage()).replace('\n', ' ');
  }
}
