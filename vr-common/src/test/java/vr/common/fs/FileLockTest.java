package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.exec.Exec;
import vr.common.testing.Daemons;

class FileLockTest {
  @TempDir Path tmp;

  private static int shellFlockNonBlocking(Path file) {
    return Exec.of("flock", "--nonblock", file.toString(), "true").capture().exitCode();
  }

  @Test
  void theJdkChannelLockDoesNotExcludeFlockWhichIsWhyFileLockUsesFlock() throws Exception {
    Path f = tmp.resolve("proc.yaml");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock jdk = ch.tryLock()) {
      assertThat(jdk).isNotNull();
      assertThat(shellFlockNonBlocking(f)).as("flock(1) gets the lock despite the JDK's fcntl lock").isEqualTo(0);
    }
  }

  @Test
  void heldLockExcludesShellFlockAndReleaseLetsItIn() {
    Path f = tmp.resolve("proc.yaml");
    try (FileLock lock = FileLock.tryExclusive(f)) {
      assertThat(lock.isHeld()).isTrue();
      assertThat(shellFlockNonBlocking(f)).as("flock -n fails while we hold it").isEqualTo(1);
    }
    assertThat(shellFlockNonBlocking(f)).as("flock -n succeeds after release").isEqualTo(0);
  }

  @Test
  void shellFlockExcludesUs() throws Exception {
    Path f = tmp.resolve("proc.yaml");
    Path ready = tmp.resolve("ready");
    Process holder = new ProcessBuilder("flock", f.toString(), "sh", "-c", "touch " + ready + "; exec sleep 60").start();
    try {
      Daemons.awaitFile(ready, Duration.ofSeconds(10));
      assertThatThrownBy(() -> FileLock.tryExclusive(f))
          .isInstanceOf(VrException.class)
          .hasMessage(f + " is locked by another process");
    } finally {
      Exec.killTree(holder.toHandle());
    }
    try (FileLock lock = FileLock.tryExclusive(f)) {
      assertThat(lock.isHeld()).isTrue();
    }
  }

  @Test
  void secondJavaLockFailsFastEvenInTheSameJvm() {
    Path f = tmp.resolve("proc.yaml");
    try (FileLock first = FileLock.tryExclusive(f)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> FileLock.tryExclusive(f)).hasMessage(f + " is locked by another process");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    try (FileLock again = FileLock.tryExclusive(f)) {
      assertThat(again.isHeld()).isTrue();
    }
  }

  @Test
  void waitingLockGetsItWhenTheHolderReleases() throws Exception {
    Path f = tmp.resolve("build.lock");
    FileLock first = FileLock.tryExclusive(f);
    CompletableFuture<FileLock> second = CompletableFuture.supplyAsync(() -> FileLock.exclusive(f, Duration.ofSeconds(30)));
    Thread.sleep(300);
    assertThat(second).isNotDone();
    first.close();
    try (FileLock l = second.get(20, TimeUnit.SECONDS)) {
      assertThat(l.isHeld()).isTrue();
    }
  }

  @Test
  void waitingLockGivesUpAfterTimeoutSayingHowLongItWaited() {
    Path f = tmp.resolve("build.lock");
    try (FileLock first = FileLock.tryExclusive(f)) {
      assertThatThrownBy(() -> FileLock.exclusive(f, Duration.ofMillis(500)))
          .isInstanceOf(VrException.class)
          .hasMessageMatching(java.util.regex.Pattern.quote(f.toString()) + " is locked by another process \\(waited \\d+\\.\\d s\\)");
    }
  }

  @Test
  void lockInAMissingDirectoryIsAClearError() {
    Path f = tmp.resolve("nope/proc.yaml");
    assertThatThrownBy(() -> FileLock.tryExclusive(f)).hasMessageContaining("is not a directory");
  }
}
