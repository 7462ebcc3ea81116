package vr.imager;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a command as root in a container whose root filesystem is an unpacked image, read-write (changes land
 * in the image), on the host's network so that a package manager reaches its mirror. The one thing
 * {@link Imager} needs from the container layer; tests may substitute it.
 */
public interface ImageContainer {

  /**
   * What to run.
   *
   * @param rootfs the unpacked image, changed in place
   * @param workDir a private scratch directory for the container's configuration
   * @param env the complete environment of the command
   * @param command the command and its arguments, as seen inside the container
   */
  record Run(Path rootfs, Path workDir, Map<String, String> env, List<String> command) {
    public Run {
      env = Map.copyOf(env);
      command = List.copyOf(command);
    }
  }

  /** Fails with a clear message when this container layer cannot work here (e.g. not root), before any work is done. */
  default void checkUsable() {}

  /** Runs without a terminal (stdin empty), copying stdout and stderr, interleaved, to {@code out}; returns the exit status. */
  int run(Run run, OutputStream out);

  /** Runs attached to this process's terminal, for a person at the keyboard; returns when the command ends. */
  int interactive(Run run);
}
