package vr.common.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import vr.common.ssh.HostUnreachableException.Reason;

/**
 * Connects and logs in to one host within one deadline (TCP connect, key exchange with the host key check,
 * authentication), and says why it could not. It holds no lock: MINA connects asynchronously, and the
 * caller's thread only waits for its own host.
 */
final class Connector {
  private final SshClient client;
  private final HostKeyCheck keys;
  private final Duration timeout;

  Connector(SshClient client, HostKeyCheck keys, Duration timeout) {
    this.client = client;
    this.keys = keys;
    this.timeout = timeout;
  }

  ClientSession connect(HostAddress a) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ConnectFuture cf;
    try {
      cf = client.connect(a.user(), a.host(), a.port());
    } catch (IOException e) {
      throw classify(a, null, e);
    }
    if (!await(cf::await, deadline)) {
      cf.cancel();
      throw unreachable(a, Reason.TIMEOUT, "no answer within " + timeout.toSeconds() + " s", null);
    }
    if (cf.getException() != null) {
      throw classify(a, null, cf.getException());
    }
    ClientSession s = cf.getSession();
    try {
      AuthFuture af = s.auth();
      if (!await(af::await, deadline)) {
        throw unreachable(a, Reason.TIMEOUT, "no login within " + timeout.toSeconds() + " s", null);
      }
      if (af.getException() != null) {
        throw classify(a, s, af.getException());
      }
      if (!af.isSuccess()) {
        throw classify(a, s, new SshException("authentication failed"));
      }
      return s;
    } catch (IOException | RuntimeException e) {
      s.close(true);
      throw e instanceof HostUnreachableException h ? h : classify(a, s, e);
    }
  }

  private interface Await {
    boolean await(long millis) throws IOException;
  }

  private static boolean await(Await w, long deadline) {
    try {
      return w.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    } catch (IOException e) {
      return true; // the future is done; its exception is read by the caller
    }
  }

  private HostUnreachableException classify(HostAddress a, ClientSession s, Throwable e) {
    HostKeyCheck.Refusal r = s == null ? null : s.getAttribute(HostKeyCheck.REFUSAL);
    HostKeyCheck.Refusal byAddress = keys.takeRefusal(a.host(), a.port());
    if (r == null && byAddress != null && !(rootCause(e) instanceof java.net.ConnectException)) {
      // the connect failed before the session that holds the refusal reached us (seen under load)
      r = byAddress;
    }
    if (r != null && r.changed()) {
      return unreachable(a, Reason.CHANGED_HOST_KEY, "host key changed: it is now " + r.keyType() + " " + r.fingerprint()
          + ", " + keys.file() + " has " + r.expectedFingerprint() + "; refused (a rebuilt host or an attack: check, then fix known_hosts)", e);
    }
    if (r != null) {
      return unreachable(a, Reason.UNKNOWN_HOST_KEY, "host key " + r.keyType() + " " + r.fingerprint() + " is not in "
          + keys.file() + "; refused (check the fingerprint, then add the key)", e);
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return unreachable(a, Reason.REFUSED, "connection refused", e);
      }
      if (c instanceof SocketTimeoutException || c instanceof NoRouteToHostException) {
        return unreachable(a, Reason.TIMEOUT, "no answer: " + c.getMessage(), e);
      }
      if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
        return unreachable(a, Reason.UNKNOWN_NAME, "the host name does not resolve", e);
      }
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("No more authentication methods") || m.contains("authentication failed")) {
      return unreachable(a, Reason.AUTH_FAILED, "login as " + a.user() + " failed: no key was accepted", e);
    }
    return unreachable(a, Reason.OTHER, m.replace('\n', ' '), e);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable c = e;
    while (c != null && c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static HostUnreachableException unreachable(HostAddress a, Reason r, String what, Throwable cause) {
    return new HostUnreachableException(a.label(), r, a.label() + ": ssh: " + what, cause);
  }
}
