package vr.common.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import vr.common.VrException;

/**
 * The SSH connections to one host. A caller leases a channel slot on the least busy open connection; when
 * all are full and fewer than the maximum exist, it connects a new one. The lock guards only the
 * bookkeeping: connecting happens outside it, so a host that does not answer holds up only the callers
 * that want that host, and each of them only until its connect timeout.
 */
final class HostPool {
  private final HostAddress address;
  private final Connector connector;
  private final int maxConnections;
  private final int maxChannels;
  private final List<Conn> conns = new ArrayList<>();
  private int connecting;
  private boolean closed;

  /** One connection and how many channels callers hold on it. */
  static final class Conn {
    final ClientSession session;
    int active;
    long idleSince = System.nanoTime();

    Conn(ClientSession session) {
      this.session = session;
    }

    boolean open() {
      return session.isOpen() && !session.isClosing();
    }
  }

  HostPool(HostAddress address, Connector connector, int maxConnections, int maxChannels) {
    this.address = address;
    this.connector = connector;
    this.maxConnections = maxConnections;
    this.maxChannels = maxChannels;
  }

  /** A slot on a connection; waits at most {@code wait} for one when all are busy. */
  Conn acquire(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (this) {
      while (true) {
        if (closed) {
          throw new VrException(address.label() + ": ssh client is closed");
        }
        conns.removeIf(c -> !c.open());
        Conn best = null;
        for (Conn c : conns) {
          if (c.active < maxChannels && (best == null || c.active < best.active)) {
            best = c;
          }
        }
        if (best != null) {
          best.active++;
          return best;
        }
        if (conns.size() + connecting < maxConnections) {
          connecting++;
          break;
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new VrException(address.label() + ": all " + maxConnections * maxChannels
              + " ssh channels to this host are busy; waited " + wait.toSeconds() + " s");
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new VrException(address.label() + ": interrupted while waiting for an ssh channel", e);
        }
      }
    }
    ClientSession s;
    try {
      s = connector.connect(address);
    } catch (RuntimeException e) {
      synchronized (this) {
        connecting--;
        notifyAll();
      }
      throw e;
    }
    synchronized (this) {
      connecting--;
      notifyAll();
      if (closed) {
        s.close(true);
        throw new VrException(address.label() + ": ssh client is closed");
      }
      Conn c = new Conn(s);
      c.active = 1;
      conns.add(c);
      return c;
    }
  }

  synchronized void release(Conn c) {
    c.active--;
    c.idleSince = System.nanoTime();
    notifyAll();
  }

  /** Closes the connections nobody has used for {@code idle}. */
  void closeIdle(Duration idle) {
    List<Conn> gone = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      for (Conn c : conns) {
        if (c.active == 0 && now - c.idleSince > idle.toNanos()) {
          gone.add(c);
        }
      }
      conns.removeAll(gone);
    }
    gone.forEach(c -> c.session.close(false));
  }

  /** The number of open connections, for tests and monitoring. */
  synchronized int connections() {
    conns.removeIf(c -> !c.open());
    return conns.size();
  }

  void close() {
    List<Conn> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(conns);
      conns.clear();
      notifyAll();
    }
    all.forEach(c -> c.session.close(true));
  }
}
