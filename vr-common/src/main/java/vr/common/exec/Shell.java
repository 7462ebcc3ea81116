package vr.common.exec;

import java.util.List;

/**
 * POSIX sh quoting, the suite's one helper for it: every value that reaches a shell (a script the runner
 * writes, a command sent to a host over SSH, an LXC hook) is one single-quoted word, so no value from outside
 * is ever read as shell syntax. A NUL cannot be in a shell word at all and is refused.
 */
public final class Shell {
  private Shell() {}

  /** {@code s} as a single-quoted sh word; a {@code '} becomes {@code '\''}. */
  public static String quote(String s) {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a shell word cannot hold a NUL character");
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** The words quoted and joined by spaces. */
  public static String join(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(w));
    }
    return sb.toString();
  }

  /** Whether {@code name} can be an environment variable name in sh. */
  public static boolean isName(String name) {
    if (name == null || name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }
}
