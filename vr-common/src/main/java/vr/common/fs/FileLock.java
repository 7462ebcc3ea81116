package vr.common.fs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vr.common.VrException;
import vr.common.exec.Exec;

/**
 * An exclusive {@code flock(2)} lock on a file, interoperating with {@code flock(1)} in shell scripts and with
 * the original's {@code fcntl.flock}. {@code setup}, {@code run} and {@code teardown} of a proc hold it on the
 * proc.yaml; a second build waits for the first.
 *
 * <p>Why a helper process: the JDK's {@link java.nio.channels.FileChannel#tryLock()} takes POSIX record locks
 * ({@code fcntl(F_SETLK)}) on Linux, which do not conflict with {@code flock(2)} locks at all, so a Java lock
 * would not keep out a shell launcher using {@code flock(1)} (FileLockTest proves both facts). There is no
 * native-access library in the suite, so the lock is held by a small {@code flock(1)} child process that runs
 * {@code cat} on a pipe from this JVM: closing the lock (or this JVM dying, even by SIGKILL) closes the pipe,
 * {@code cat} ends and the kernel drops the lock.
 */
public final class FileLock implements AutoCloseable {
  /** Exit status {@code flock(1)} uses (-E) when the lock is busy; distinct from any exit of the helper. */
  private static final int BUSY = 75;
  private static final String READY = "locked";

  private final Path file;
  private final Process helper;
  private boolean released;

  private FileLock(Path file, Process helper) {
    this.file = file;
    this.helper = helper;
  }

  /**
   * Takes the lock now or fails at once with "{@code <file> is locked by another process}". The file is
   * created when missing.
   */
  public static FileLock tryExclusive(Path file) {
    FileLock l = acquire(file, null);
    if (l == null) {
      throw new VrException(file + " is locked by another process");
    }
    return l;
  }

  /** Takes the lock, waiting up to {@code timeout} for another holder to release it. */
  public static FileLock exclusive(Path file, Duration timeout) {
    long start = System.nanoTime();
    FileLock l = acquire(file, timeout);
    if (l == null) {
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      throw new VrException(file + " is locked by another process (waited " + seconds(waited) + ")");
    }
    return l;
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static FileLock acquire(Path file, Duration wait) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new VrException("cannot lock " + file + ": " + parent + " is not a directory");
    }
    List<String> cmd = new ArrayList<>(List.of("flock", "--exclusive", "-E", String.valueOf(BUSY)));
    if (wait == null) {
      cmd.add("--nonblock");
    } else {
      cmd.add("--timeout");
      cmd.add(String.format(Locale.ROOT, "%.3f", Math.max(0, wait.toMillis()) / 1000.0));
    }
    cmd.add("--close"); // the lock belongs to flock(1) itself; cat does not inherit the descriptor
    cmd.add(file.toString());
    // A constant script: the file name never reaches a shell.
    cmd.addAll(List.of("sh", "-c", "echo " + READY + " && exec cat >/dev/null"));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new VrException("cannot lock " + file + ": cannot run 'flock' (util-linux): " + e.getMessage(), e);
    }
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      if (READY.equals(line)) {
        return new FileLock(file, p);
      }
      StringBuilder rest = new StringBuilder(line == null ? "" : line);
      for (String l; (l = r.readLine()) != null; ) {
        rest.append(' ').append(l);
      }
      int code = p.waitFor();
      if (code == BUSY) {
        return null;
      }
      throw new VrException("cannot lock " + file + ": " + rest.toString().strip());
    } catch (IOException e) {
      Exec.killTree(p.toHandle());
      throw new VrException("cannot lock " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Exec.killTree(p.toHandle());
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while locking " + file, e);
    }
  }

  /** The locked file. */
  public Path file() {
    return file;
  }

  /** Whether this lock is still held. */
  public synchronized boolean isHeld() {
    return !released && helper.isAlive();
  }

  /** Releases the lock and waits until the kernel has dropped it. Idempotent. */
  @Override
  public synchronized void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      helper.getOutputStream().close(); // cat sees EOF and exits; flock(1) exits and drops the lock
      if (!helper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        Exec.killTree(helper.toHandle());
      }
    } catch (IOException e) {
      Exec.killTree(helper.toHandle());
    } catch (InterruptedException e) {
      Exec.killTree(helper.toHandle());
      Thread.currentThread().interrupt();
    }
  }
}
