package vr.common.ssh;

/** The outcome of a remote command: exit status and what it printed. */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** stderr, else stdout, trimmed to one line of at most 300 characters: for error messages. */
  public String summary() {
    String s = stderr.isBlank() ? stdout : stderr;
    s = s.strip().replaceAll("\\s*\\n\\s*", " | ");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
