package vr.common;

import java.nio.file.Path;

/**
 * Bad input (exit 2): a malformed or incomplete file, a wrong type, a value out of range. The message
 * names the file, the line and the key when they are known, e.g. {@code proc.yaml line 4: port must be an
 * integer}. Whoever throws it must not have changed anything on disk yet.
 */
public class InputException extends VrException {
  private static final long serialVersionUID = 1L;
  /** How much of a value {@link #quote} shows. */
  static final int QUOTE_CHARS = 60;
  /** Longer messages are cut: a hostile file must not be able to fill a terminal or a log with one error. */
  static final int MAX_MESSAGE_CHARS = 500;

  public InputException(String message) {
    super(cut(message));
  }

  public InputException(String message, Throwable cause) {
    super(cut(message), cause);
  }

  /** A message of the form {@code <file> line <n>: <what>}; either part may be absent. */
  public static InputException at(Path file, int line, String what) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file.getFileName() != null ? file.getFileName() : file);
    }
    if (line > 0) {
      sb.append(sb.length() > 0 ? " " : "").append("line ").append(line);
    }
    if (sb.length() > 0) {
      sb.append(": ");
    }
    return new InputException(sb.append(what).toString());
  }

  /**
   * {@code value} in single quotes for an error message: control characters escaped (so the error stays one
   * line), and a value over {@value #QUOTE_CHARS} characters cut to its start, an ellipsis and its length,
   * e.g. {@code 'aaaa…' (102400 chars)}. Errors quote what a hostile file says; a 100 KB name must not come back
   * whole.
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    boolean longer = value.length() > QUOTE_CHARS;
    String shown = escape(longer ? value.substring(0, QUOTE_CHARS) : value);
    return longer ? "'" + shown + "…' (" + value.length() + " chars)" : "'" + shown + "'";
  }

  private static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        b.append(switch (c) {
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          default -> String.format("\\x%02x", (int) c);
        });
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  private static String cut(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_CHARS) + "… (" + message.length() + " chars)";
  }

  @Override
  public int exitCode() {
    return 2;
  }
}
