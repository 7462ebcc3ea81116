package vr.common.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for tests that start real daemons: free loopback ports, waiting for a port to listen, and
 * stopping by PID. Every daemon a test starts binds 127.0.0.1 on a free port, keeps its files in a temp
 * dir and is stopped by PID when the test ends.
 */
public final class Daemons {
  private Daemons() {}

  /** A TCP port free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until something accepts connections on host:port, or fails after {@code timeout}. */
  public static void awaitPort(String host, int port, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    throw new AssertionError("nothing listened on " + host + ":" + port + " within " + timeout);
  }

  /** Waits for a file (a pid file, a socket) to appear. */
  public static void awaitFile(Path file, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(file)) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError(file + " did not appear within " + timeout);
  }

  /** Reads a pid file, or -1 when it is missing or empty. */
  public static long readPid(Path pidFile) {
    try {
      String s = Files.readString(pidFile).strip();
      return s.isEmpty() ? -1 : Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Sends SIGTERM to {@code pid}, waits up to 10 s, then SIGKILL. Quiet when already gone. */
  public static void stop(long pid) {
    if (pid <= 0) {
      return;
    }
    ProcessHandle.of(pid).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
  }

  public static void stop(Path pidFile) {
    stop(readPid(pidFile));
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
