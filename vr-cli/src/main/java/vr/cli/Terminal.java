package vr.cli;

import java.util.Map;

/**
 * How output looks: colour only when a terminal is attached and {@code NO_COLOR} is unset, plain text in pipes and
 * files, so scripts read the same bytes either way.
 */
record Terminal(boolean tty, boolean colour) {
  static final Terminal PLAIN = new Terminal(false, false);

  static Terminal of(boolean tty, Map<String, String> env) {
    boolean colour = tty && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM"));
    return new Terminal(tty, colour);
  }

  String green(String s) {
    return paint("32", s);
  }

  String red(String s) {
    return paint("31", s);
  }

  String bold(String s) {
    return paint("1", s);
  }

  String dim(String s) {
    return paint("2", s);
  }

  private String paint(String code, String s) {
    return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }
}
