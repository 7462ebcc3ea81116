package vr.common;

import java.nio.file.Path;

/**
 * Bad input (exit 2): a malformed or incomplete file, a wrong type, a value out of range. The message
 * names the file, the line and the key when they are known, e.g. {@code proc.yaml line 4: port must be an
 * integer}. Whoever throws it must not have changed anything on disk yet.
 */
public class InputException extends VrException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
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

  @Override
  public int exitCode() {
    return 2;
  }
}
