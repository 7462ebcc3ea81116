package vr.runner;

import java.util.Map;
import java.util.TreeMap;
import vr.common.InputException;
import vr.common.yaml.Yaml;
import vr.common.exec.Shell;

/**
 * The files setup puts at the top of a proc's root filesystem, all POSIX sh so that a busybox stack works:
 * {@code /proc.sh} (loads the environment, then runs the proc's command or the given one), {@code /env.sh}
 * (the release's {@code env}, every value single-quoted: the original wrote {@code export K="v"} unescaped)
 * and {@code /settings.yaml}.
 */
public final class ProcScripts {
  public static final String PROC_SH = "/proc.sh";
  public static final String ENV_SH = "/env.sh";
  public static final String SETTINGS = "/settings.yaml";

  private ProcScripts() {}

  /**
   * The proc's wrapper. {@code /proc.sh run} runs {@code cmd} with {@code sh -c} (shell syntax, so
   * {@code $PORT} and env values expand as in the original; variables from .profile.d must be exported); {@code /proc.sh prog args...} execs that instead (uptests, shells).
   *
   * @param port the proc's port; 0 for a proc that listens on nothing, which then has no PORT
   */
  public static String procSh(String procName, String cmd, int port) {
    StringBuilder b = new StringBuilder();
    b.append("#!/bin/sh\n");
    b.append("# Written by vrun setup").append(procName == null ? "" : " for " + oneLine(procName)).append(".\n");
    b.append("# Descriptors 3-9 may hold the runner's lock on proc.yaml; the app has no use for them.\n");
    b.append("exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&-\n");
    b.append("export TMPDIR=/tmp\n");
    b.append("export HOME=/app\n");
    b.append("# .profile.d scripts come from the app or its buildpack.\n");
    b.append("if [ -d \"$HOME/.profile.d\" ]; then\n");
    b.append("  for vr_profile in \"$HOME\"/.profile.d/*; do\n");
    b.append("    if [ -f \"$vr_profile\" ]; then . \"$vr_profile\"; fi\n");
    b.append("  done\n");
    b.append("  unset vr_profile\n");
    b.append("fi\n");
    b.append("# The release's env, more specific than .profile.d.\n");
    b.append(". ").append(ENV_SH).append('\n');
    b.append("export APP_SETTINGS_YAML=").append(SETTINGS).append('\n');
    b.append("# The runner owns the port: neither env.sh nor .profile.d may change it.\n");
    if (port > 0) {
      b.append("export PORT=").append(port).append('\n');
    } else {
      b.append("unset PORT\n");
    }
    b.append("cd /app || exit 1\n");
    b.append("if [ \"$#\" -eq 1 ] && [ \"$1\" = run ]; then\n");
    if (cmd != null) {
      // Like Heroku, the command line is run by sh -c: compound commands work, and busybox and dash exec its
      // last simple command, so the app itself receives the container init's signals. (The original wrote
      // "exec <cmd>" into the script, which broke "a && b" and "X=1 app".)
      b.append("  exec /bin/sh -c ").append(Shell.quote(cmd)).append('\n');
    } else {
      b.append("  echo 'proc.sh: this proc has no command' >&2; exit 1\n");
    }
    b.append("fi\n");
    b.append("exec \"$@\"\n");
    return b.toString();
  }

  /**
   * The release's env as sh. A string value {@code $NAME} is replaced by that variable of {@code hostEnv}
   * (empty when unset), as the original did; other values, including ones that merely start with {@code $}
   * such as {@code $(...)}, are kept literally. Booleans are written as Python wrote them
   * ({@code True}/{@code False}) so that apps moved from the original see the same strings.
   */
  public static String envSh(Map<String, Object> env, Map<String, String> hostEnv) {
    StringBuilder b = new StringBuilder("# Written by vrun setup: the release's env.\n");
    for (Map.Entry<String, Object> e : new TreeMap<>(env).entrySet()) {
      b.append("export ").append(e.getKey()).append('=').append(Shell.quote(value(e.getKey(), e.getValue(), hostEnv)))
          .append('\n');
    }
    return b.toString();
  }

  static String value(String key, Object v, Map<String, String> hostEnv) {
    if (!Shell.isName(key)) {
      throw new InputException("env: " + InputException.quote(key) + " is not a valid environment variable name");
    }
    if (v == null) {
      return "";
    }
    if (v instanceof Boolean bool) {
      return bool ? "True" : "False";
    }
    if (v instanceof Number) {
      return v.toString();
    }
    if (v instanceof String s) {
      if (s.indexOf('\0') >= 0) {
        throw new InputException("env: " + key + " holds a NUL character");
      }
      if (s.startsWith("$") && Shell.isName(s.substring(1))) {
        return hostEnv.getOrDefault(s.substring(1), "");
      }
      return s;
    }
    throw new InputException("env: " + key + " must be a string, number or boolean, not a list or mapping");
  }

  /** {@code settings} as YAML, in the original's style. */
  public static String settingsYaml(Map<String, Object> settings) {
    return Yaml.dump(settings);
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]", " ");
  }
}
