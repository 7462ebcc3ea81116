package vr.runner;

/** POSIX sh quoting: every value the runner writes into a script is one single-quoted word. */
public final class Sh {
  private Sh() {}

  /** {@code value} as a single-quoted sh word; a {@code '} becomes {@code '\''}. */
  public static String quote(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a shell word cannot hold a NUL character");
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** Whether {@code name} can be an environment variable name in sh. */
  public static boolean isName(String name) {
    return name != null && name.matches("[A-Za-z_][A-Za-z0-9_]*");
  }
}
