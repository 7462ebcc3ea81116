package vr.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks for what an integration test needs. A missing prerequisite fails the test loudly, naming the
 * Debian package to install: nothing is skipped silently.
 */
public final class Prereqs {
  private Prereqs() {}

  /** Fails unless {@code command} is on the PATH (or in /usr/sbin, /sbin). */
  public static Path command(String command, String debianPackage) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError("missing prerequisite: '" + command + "' is not installed; run: apt-get install -y "
        + debianPackage + " (or scripts/test, which installs everything as root)");
  }

  /** Fails unless the tests run as root (containers, mounts, chown need it). */
  public static void root() {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new AssertionError("missing prerequisite: integration tests must run as root (containers, mounts, chown)");
    }
  }
}
