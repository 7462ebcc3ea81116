package vr.server.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import vr.common.model.ProcName;

/**
 * Port choice for new procs on a host (the original's {@code Host.get_free_port}): a port of
 * {@code [start, end)} that no proc on the host uses and no deployment under way has locked, picked at
 * random so that two swarms choosing at once rarely pick the same one (the port lock's uniqueness is what
 * settles it when they do). The original shuffled a {@code range}, which only worked on Python 2.
 *
 * <p>Port 0 is never chosen: it is for workers deployed by hand (see {@link Rules#port}).
 */
public final class Ports {
  /** The original's PORT_RANGE_START and PORT_RANGE_END. */
  public static final int DEFAULT_START = 5000;
  public static final int DEFAULT_END = 6000;

  private final int start;
  private final int end;
  private final RandomGenerator random;

  /** Ports from {@code start} (inclusive) to {@code end} (exclusive), chosen with {@code random}. */
  public Ports(int start, int end, RandomGenerator random) {
    if (start < 1 || end > 65536 || start >= end) {
      throw new IllegalArgumentException("the port range must be within 1-65535 and not empty: [" + start + ", " + end + ")");
    }
    this.start = start;
    this.end = end;
    this.random = random;
  }

  public int start() {
    return start;
  }

  public int end() {
    return end;
  }

  /**
   * A free port on {@code host}; {@link NoFreePortException} ({@code No free ports found on host <h>: used=...,
   * locked=...}) when none is left.
   */
  public int freePort(String host, Set<Integer> used, Set<Integer> locked) {
    List<Integer> free = new ArrayList<>();
    for (int p = start; p < end; p++) {
      if (!used.contains(p) && !locked.contains(p)) {
        free.add(p);
      }
    }
    if (free.isEmpty()) {
      throw new NoFreePortException(host, "No free ports found on host " + host + ": used=" + ranges(used) + ", locked="
          + ranges(locked));
    }
    return free.get(random.nextInt(free.size()));
  }

  /**
   * The ports used by the procs named {@code procNames} (supervisor's program names) on a host; a program that is
   * not a VR proc counts as port 0, as in the original, which is outside every range.
   */
  public static Set<Integer> usedPorts(Collection<String> procNames) {
    Set<Integer> out = new TreeSet<>();
    for (String n : procNames) {
      out.add(ProcName.parse(n).map(ProcName::port).orElse(0));
    }
    return out;
  }

  /** Ports as sorted ranges, {@code [5000-5099, 5200]}: a full host's error stays short. */
  static String ranges(Set<Integer> ports) {
    List<String> parts = new ArrayList<>();
    Integer first = null;
    Integer last = null;
    for (int p : new TreeSet<>(ports)) {
      if (last != null && p == last + 1) {
        last = p;
        continue;
      }
      if (first != null) {
        parts.add(first.equals(last) ? first.toString() : first + "-" + last);
      }
      first = p;
      last = p;
    }
    if (first != null) {
      parts.add(first.equals(last) ? first.toString() : first + "-" + last);
    }
    return parts.toString();
  }
}
