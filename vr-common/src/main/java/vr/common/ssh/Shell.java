package vr.common.ssh;

import java.util.List;

/** POSIX shell quoting for the commands sent to remote hosts: values never reach a shell unquoted. */
public final class Shell {
  private Shell() {}

  /** {@code s} in single quotes, with embedded single quotes escaped. */
  public static String quote(String s) {
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
}
