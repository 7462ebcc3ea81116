package vr.common.supervisor;

import java.util.LinkedHashMap;
import java.util.Map;
import vr.common.VrException;

/**
 * One entry of supervisord's {@code getProcessInfo}/{@code getAllProcessInfo}: times are Unix seconds as
 * supervisord gives them (0 = never). {@link #toMap()} gives back supervisord's own dictionary, which is
 * what the {@code host_procs:<host>} cache stores, as the original did.
 */
public record ProcessInfo(
    String name,
    String group,
    String description,
    long start,
    long stop,
    long now,
    int state,
    String statename,
    String spawnerr,
    int exitstatus,
    String logfile,
    String stdoutLogfile,
    String stderrLogfile,
    int pid) {

  /** Reads supervisord's dictionary, checking the types at the edge. */
  public static ProcessInfo from(Map<?, ?> m) {
    return new ProcessInfo(
        str(m, "name", true),
        str(m, "group", false),
        str(m, "description", false),
        num(m, "start"),
        num(m, "stop"),
        num(m, "now"),
        (int) num(m, "state"),
        str(m, "statename", false),
        str(m, "spawnerr", false),
        (int) num(m, "exitstatus"),
        str(m, "logfile", false),
        str(m, "stdout_logfile", false),
        str(m, "stderr_logfile", false),
        (int) num(m, "pid"));
  }

  private static String str(Map<?, ?> m, String key, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        throw new VrException("supervisor process info without '" + key + "'");
      }
      return "";
    }
    if (!(v instanceof String s)) {
      throw new VrException("supervisor process info: '" + key + "' is not a string");
    }
    return s;
  }

  private static long num(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return 0;
    }
    if (!(v instanceof Number n)) {
      throw new VrException("supervisor process info: '" + key + "' is not a number");
    }
    return n.longValue();
  }

  /** supervisord's dictionary, with its key names. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("group", group);
    m.put("description", description);
    m.put("start", start);
    m.put("stop", stop);
    m.put("now", now);
    m.put("state", state);
    m.put("statename", statename);
    m.put("spawnerr", spawnerr);
    m.put("exitstatus", exitstatus);
    m.put("logfile", logfile);
    m.put("stdout_logfile", stdoutLogfile);
    m.put("stderr_logfile", stderrLogfile);
    m.put("pid", pid);
    return m;
  }

  /** supervisord's {@code group:name} spec, or just the name when they are the same. */
  public String namespec() {
    return group == null || group.isEmpty() || group.equals(name) ? name : group + ":" + name;
  }
}
