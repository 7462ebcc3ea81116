package vr.common.container;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Short LXC container names derived from long names. The original used the full proc name as the container
 * name and hit LXC's name-length limits (its issue #86); LXC still puts the name into cgroup directory names
 * ({@code lxc.payload.<name>}, 255 bytes) and socket paths. A proc's container is {@code vr-} plus the first 12
 * hex digits of the SHA-256 of its root's id and its proc name, so the same proc of the same root always gets
 * the same name and anyone can compute it
 * ({@code printf %s:%s "$(stat -c %d:%i /apps)" <proc name> | sha256sum | cut -c1-12}); extra containers of the same proc
 * (uptests, shells) add a suffix made of this process's pid and a counter, unique among live processes.
 */
public final class ContainerNames {
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private ContainerNames() {}

  /** The container name of the thing called {@code longName}, e.g. a proc name. */
  public static String of(String longName) {
    byte[] d = Sha256.digest(longName.getBytes(StandardCharsets.UTF_8));
    return "vr-" + HexFormat.of().formatHex(d).substring(0, 12);
  }

  /**
   * A fresh name for a short-lived container beside {@code base}: {@code <base>-<kind><pid>.<n>} in hex. No
   * two live processes share a pid, and one process counts; a leftover of a dead process with the same
   * name is killed by {@link Lxc#prepare} before the name is used again.
   */
  public static String temporary(String base, String kind) {
    return base + "-" + kind + Long.toHexString(ProcessHandle.current().pid()) + "."
        + Integer.toHexString(COUNTER.getAndIncrement() & 0xffff);
  }

  /** Whether {@code name} is a name this layer accepts: lower case, digits, '.', '-', at most 63 chars. */
  public static boolean valid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
