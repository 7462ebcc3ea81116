package vr.common.ssh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.InputException;
import vr.common.VrException;

/**
 * What a remote command did: its exit status, the kept part of its output (see {@link ExecOptions#maxCapturedBytes})
 * and how many bytes each stream carried in all. {@link #orThrow()} turns the suite's exit codes back into its
 * exceptions.
 */
public record CommandResult(String host, int exitCode, String stdout, String stderr, long stdoutBytes, long stderrBytes) {
  /** A tool's error line, as {@code vr.common.cli.Tool} prints it: {@code <tool>: error: <message>}. */
  private static final Pattern TOOL_ERROR = Pattern.compile("^([A-Za-z0-9_.-]+): error: (.+)$");
  private static final int MAX_MESSAGE = 300;

  public boolean ok() {
    return exitCode == 0;
  }

  /**
   * This result when the command succeeded; else the exception a local run of the tool would have thrown:
   * exit 2 is an {@link InputException}, any other failure a {@link VrException}, each with the host and the
   * remote's one-line message (its {@code <tool>: error: ...} line when there is one).
   */
  public CommandResult orThrow() {
    if (exitCode == 0) {
      return this;
    }
    String m = host + ": " + message();
    throw exitCode == 2 ? new InputException(m) : new VrException(m);
  }

  /**
   * The remote's reason in one line: the last {@code <tool>: error: <message>} line of stderr as
   * {@code <tool>: <message>}; else {@code exit N: } and the last non-blank line of stderr (or stdout).
   */
  public String message() {
    String[] lines = stderr.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      Matcher m = TOOL_ERROR.matcher(lines[i].strip());
      if (m.matches()) {
        return cut(m.group(1) + ": " + m.group(2));
      }
    }
    String last = lastLine(stderr);
    if (last.isEmpty()) {
      last = lastLine(stdout);
    }
    String status = exitCode < 0 ? "killed by a signal" : "exit " + exitCode;
    return cut(last.isEmpty() ? status : status + ": " + last);
  }

  private static String lastLine(String s) {
    String[] lines = s.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return lines[i].strip();
      }
    }
    return "";
  }

  private static String cut(String s) {
    return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "..." : s;
  }
}
