package vr.common.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import vr.common.VrException;

/**
 * One channel slot on a pooled SSH connection to one host, for a caller that does several things in a row
 * (upload, then run). Not for sharing between threads: each thread leases its own. {@link #close()} gives
 * the slot back; the connection stays open for the next caller.
 */
public final class HostSession implements AutoCloseable {
  private final SshHosts hosts;
  private final HostAddress address;
  private final HostPool pool;
  private final HostPool.Conn conn;
  private final AtomicBoolean released = new AtomicBoolean();

  HostSession(SshHosts hosts, HostAddress address, HostPool pool, HostPool.Conn conn) {
    this.hosts = hosts;
    this.address = address;
    this.pool = pool;
    this.conn = conn;
  }

  public HostAddress address() {
    return address;
  }

  org.apache.sshd.client.session.ClientSession connection() {
    return conn.session;
  }

  /**
   * Runs {@code command} through {@code sh -c}; returns whatever its exit status (see {@link CommandResult#orThrow()}).
   *
   * @throws VrException when it outlives {@link ExecOptions#timeout()} (it is killed first)
   * @throws java.util.concurrent.CancellationException when cancelled (it is killed first)
   */
  public CommandResult exec(String command, ExecOptions options) {
    return RemoteExec.run(conn.session, address, command, options, hosts.settings().connectTimeout());
  }

  /** Writes {@code content} to {@code remotePath} with {@code mode} (e.g. {@code 0644}), atomically. */
  public void upload(byte[] content, String remotePath, int mode) {
    upload(new ByteArrayInputStream(content), remotePath, mode);
  }

  /** Copies the local file {@code local} to {@code remotePath} with {@code mode}, atomically. */
  public void upload(Path local, String remotePath, int mode) {
    try (InputStream in = Files.newInputStream(local)) {
      upload(in, remotePath, mode);
    } catch (IOException e) {
      throw new VrException("cannot read " + local + ": " + e.getMessage(), e);
    }
  }

  /**
   * Streams {@code content} to {@code remotePath}: into a temp file beside it, then renamed over it. A reader
   * sees the old file or the whole new one, never part of it; if {@code content} fails midway the old file stays.
   */
  public void upload(InputStream content, String remotePath, int mode) {
    SftpFiles.upload(conn.session, address, content, remotePath, mode);
  }

  /** The remote file's bytes; refuses a file larger than {@code maxBytes}. */
  public byte[] read(String remotePath, int maxBytes) {
    return SftpFiles.read(conn.session, address, remotePath, maxBytes);
  }

  /** Copies {@code remotePath} to {@code local} through a temp file beside it, moved into place when complete. */
  public void download(String remotePath, Path local) {
    SftpFiles.download(conn.session, address, remotePath, local);
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      pool.release(conn);
    }
  }
}
