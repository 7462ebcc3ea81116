package vr.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stack images for container tests, made by the scripts a user runs ({@code scripts/make-busybox-image},
 * {@code scripts/make-debian-image}). The busybox stack takes a second; the Debian one about a minute, so it is
 * built once and cached in {@code $VR_TEST_CACHE} (default {@code /var/cache/vr-suite-test}), outside the
 * source tree.
 */
public final class Stacks {
  private Stacks() {}

  /** The repository's {@code scripts/} dir, found from the module's working directory. */
  public static Path scripts() {
    Path d = Path.of("").toAbsolutePath();
    for (int i = 0; i < 4 && d != null; i++, d = d.getParent()) {
      if (Files.isExecutable(d.resolve("scripts/make-busybox-image"))) {
        return d.resolve("scripts");
      }
    }
    throw new AssertionError("cannot find scripts/make-busybox-image above " + Path.of("").toAbsolutePath());
  }

  /** The cache for slow fixtures, created on demand. */
  public static Path cache() {
    String c = System.getenv("VR_TEST_CACHE");
    Path p = Path.of(c == null || c.isBlank() ? "/var/cache/vr-suite-test" : c);
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** An unpacked busybox root filesystem in {@code dir} (which must not exist yet). */
  public static Path busyboxRootfs(Path dir) {
    Prereqs.command("busybox", "busybox-static");
    run(List.of(scripts().resolve("make-busybox-image").toString(), "--rootfs", dir.toString()), 60);
    return dir;
  }

  /** A packed busybox stack image at {@code out}. */
  public static Path busyboxImage(Path out) {
    Prereqs.command("busybox", "busybox-static");
    run(List.of(scripts().resolve("make-busybox-image").toString(), out.toString()), 60);
    return out;
  }

  /** The Debian bookworm minbase stack image, built once into the cache. */
  public static Path debianImage() {
    Prereqs.command("debootstrap", "debootstrap");
    Path out = cache().resolve("debian-bookworm-minbase.tar.gz");
    if (!Files.exists(out)) {
      List<String> cmd = new ArrayList<>(List.of(scripts().resolve("make-debian-image").toString(), out.toString()));
      run(cmd, 900);
    }
    return out;
  }

  private static void run(List<String> cmd, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(cmd + " did not finish in " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(cmd + " failed (" + p.exitValue() + "):\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
