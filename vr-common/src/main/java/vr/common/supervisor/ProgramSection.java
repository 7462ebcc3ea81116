package vr.common.supervisor;

import java.nio.file.Path;
import vr.common.model.ProcName;

/**
 * The supervisord {@code [program:<proc name>]} section that runs one proc: {@code <vrun> run <proc.yaml>}.
 *
 * <p>No {@code user=}: the program runs as supervisord's user, root, because LXC needs root to build the
 * container; the proc's own user is applied inside the container (the runner's {@code lxc.init.uid/gid}).
 * The original wrote {@code user=<proc user>} and then needed sudo back to root inside vrun.
 *
 * <p>Stopping: supervisord sends {@code TERM} to the program's process group ({@code stopasgroup}); the
 * program is {@code lxc-start -F}/{@code lxc-execute} by then (vrun execs it), whose monitor forwards the
 * signal to the container's init, which terminates the whole container. After {@code stopwaitsecs} the
 * group gets {@code KILL} ({@code killasgroup}), and the container's init, which LXC gives a parent-death
 * signal, dies with its monitor, taking the pid namespace with it. See docs/supervisor.md.
 */
public record ProgramSection(
    String name,
    String vrun,
    Path procYaml,
    Path directory,
    Path stdoutLogfile,
    long logMaxBytes,
    int logBackups,
    int startSecs,
    int stopWaitSecs) {

  /** The original's log rotation: 10 MB, one backup. */
  public static final long DEFAULT_LOG_MAX_BYTES = 10_000_000L;
  public static final int DEFAULT_LOG_BACKUPS = 1;

  public ProgramSection {
    if (name == null || !name.matches("[A-Za-z0-9_.+@-]+")) {
      throw new IllegalArgumentException("'" + name + "' cannot be a supervisor program name");
    }
    for (Object v : new Object[] {vrun, procYaml, directory, stdoutLogfile}) {
      if (v == null || v.toString().isEmpty()) {
        throw new IllegalArgumentException("a program section needs vrun, proc.yaml, directory and log file");
      }
      if (v.toString().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException("control character in program section value " + v);
      }
    }
  }

  /**
   * The section for a proc laid out under {@code procDir} ({@code <VR_ROOT>/procs/<name>}): runs
   * {@code <vrun> run <procDir>/proc.yaml}, logs to {@code <procDir>/log}.
   */
  public static ProgramSection forProc(ProcName name, Path procDir, String vrun) {
    return new ProgramSection(name.format(), vrun, procDir.resolve("proc.yaml"), procDir, procDir.resolve("log"),
        DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_BACKUPS, 1, 10);
  }

  /** The same section running a different command (tests run a plain script in place of vrun). */
  public ProgramSection withVrun(String otherVrun) {
    return new ProgramSection(name, otherVrun, procYaml, directory, stdoutLogfile, logMaxBytes, logBackups, startSecs,
        stopWaitSecs);
  }

  /** The section's text, ready for supervisord's include dir. */
  public String render() {
    return "[program:" + name + "]\n"
        + "command=" + arg(vrun) + " run " + arg(procYaml.toString()) + "\n"
        + "directory=" + value(directory.toString()) + "\n"
        + "autostart=true\n"
        + "autorestart=true\n"
        + "startsecs=" + startSecs + "\n"
        + "stopsignal=TERM\n"
        + "stopwaitsecs=" + stopWaitSecs + "\n"
        + "stopasgroup=true\n"
        + "killasgroup=true\n"
        + "redirect_stderr=true\n"
        + "stdout_logfile=" + value(stdoutLogfile.toString()) + "\n"
        + "stdout_logfile_maxbytes=" + logMaxBytes + "\n"
        + "stdout_logfile_backups=" + logBackups + "\n";
  }

  /** supervisord expands {@code %(name)s} in values, so a literal % is doubled. */
  private static String value(String s) {
    return s.replace("%", "%%");
  }

  /** supervisord splits {@code command} like a POSIX shell: quote what would split or expand. */
  private static String arg(String s) {
    if (s.matches("[A-Za-z0-9_./:=+@,-]+")) {
      return value(s);
    }
    return value("'" + s.replace("'", "'\"'\"'") + "'");
  }
}
