package vr.common.balancer;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import vr.common.InputException;
import vr.common.model.Node;

/** Checks for pool names and node lists, shared by every backend. */
public final class Pools {
  /** Pool names become file names and config identifiers: letters, digits, '_', '.', '-', not starting with '.' or '-'. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");

  private Pools() {}

  /** Returns {@code pool} or throws InputException naming what is wrong. */
  public static String checkName(String pool) {
    if (pool == null || !NAME.matcher(pool).matches()) {
      throw new InputException("pool name " + InputException.quote(pool) + " is not valid: use letters, digits, '_', '.' and '-' (at most 100), not starting with '.' or '-'");
    }
    return pool;
  }

  /** The nodes, de-duplicated and sorted. */
  public static List<Node> sorted(Collection<Node> nodes) {
    return List.copyOf(new TreeSet<>(nodes));
  }
}
