package vr.builder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import vr.common.VrException;

/**
 * An exclusive {@code flock(2)} lock held by a small {@code flock(1)} child for as long as this object is open
 * (or this JVM lives). The original's {@code lock_or_wait} did not wait at all: a second build of the same app
 * failed at once. Here it waits, up to a timeout it reports.
 */
final class BuildLock implements AutoCloseable {
  private static final int BUSY = 75;
  private final Process helper;

  private BuildLock(Process helper) {
    this.helper = helper;
  }

  /** Takes the lock now, or returns null when another process holds it. */
  static BuildLock tryTake(Path file) {
    return take(file, null);
  }

  /** Takes the lock, waiting up to {@code timeout}; null when it is still held then. */
  static BuildLock take(Path file, Duration timeout) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new VrException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    List<String> cmd = new java.util.ArrayList<>(List.of("flock", "--exclusive", "-E", String.valueOf(BUSY)));
    if (timeout == null) {
      cmd.add("--nonblock");
    } else {
      cmd.addAll(List.of("--timeout", String.format(Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0)));
    }
    cmd.addAll(List.of("--close", file.toString(), "sh", "-c", "echo locked && exec cat >/dev/null"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      if ("locked".equals(line)) {
        return new BuildLock(p);
      }
      int code = p.waitFor();
      if (code == BUSY) {
        return null;
      }
      throw new VrException("cannot lock " + file + ": " + (line == null ? "flock exited " + code : line));
    } catch (IOException e) {
      throw new VrException("cannot lock " + file + ": cannot run flock (util-linux): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while waiting for " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      helper.getOutputStream().close();
      if (!helper.waitFor(5, TimeUnit.SECONDS)) {
        helper.destroyForcibly();
      }
    } catch (IOException e) {
      helper.destroyForcibly();
    } catch (InterruptedException e) {
      helper.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
