package vr.server.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import vr.common.yaml.YamlMap;

/**
 * How the server runs its jobs: the job runner's heartbeat, the schedules of the recurring jobs (reference 7.9,
 * the original's celerybeat), and hosts whose layout is not the packaged one (the lab's).
 *
 * @param heartbeat how often a running job's row is touched; a server missing 4 counts as dead
 * @param schedules the interval of each recurring job by name; a job absent or 0 does not run
 * @param portLockMaxAge how old a port lock may get before the expiry job deletes it (a lock is held only while
 *     its proc deploys)
 * @param hostSetups hosts reached another way than the packaged layout, by host name
 * @param hostDeadline how long a live question to the hosts (what supervisord runs) may take before a host that
 *     has not answered counts as unknown
 */
public record JobSettings(Duration heartbeat, Map<String, Duration> schedules, Duration portLockMaxAge,
    Map<String, HostSetupSetting> hostSetups, Duration hostDeadline) {
  /** The recurring jobs and their default intervals (seconds). */
  public static final Map<String, Integer> DEFAULT_SCHEDULES = defaults();

  /**
   * A host's layout: the SSH target ({@code [user@]host[:port]}), supervisord's socket on the host, the procs'
   * root, vrun and supervisord's include directory.
   */
  public record HostSetupSetting(String ssh, String supervisorSocket, String root, String vrun, String includeDir) {}

  private static Map<String, Integer> defaults() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("uptest_all_procs", 3600);
    m.put("port_lock_expiry", 600);
    return java.util.Collections.unmodifiableMap(m);
  }

  public static JobSettings defaultSettings() {
    Map<String, Duration> s = new LinkedHashMap<>();
    DEFAULT_SCHEDULES.forEach((k, v) -> s.put(k, Duration.ofSeconds(v)));
    return new JobSettings(Duration.ofSeconds(30), s, Duration.ofHours(1), Map.of(), Duration.ofSeconds(15));
  }

  /** The keys {@code JOB_HEARTBEAT}, {@code SCHEDULES}, {@code PORT_LOCK_MAX_AGE}, {@code HOST_SETUP} and {@code HOST_DEADLINE}. */
  static JobSettings load(YamlMap y) {
    JobSettings d = defaultSettings();
    Duration heartbeat = d.heartbeat();
    if (y.has("JOB_HEARTBEAT")) {
      heartbeat = Duration.ofSeconds(seconds(y, "JOB_HEARTBEAT", y.get("JOB_HEARTBEAT"), 1));
    }
    Map<String, Duration> schedules = new LinkedHashMap<>(d.schedules());
    if (y.has("SCHEDULES")) {
      for (Map.Entry<String, Object> e : y.map("SCHEDULES").entrySet()) {
        if (!DEFAULT_SCHEDULES.containsKey(e.getKey())) {
          throw y.error("SCHEDULES", "unknown job '" + e.getKey() + "'; known: " + String.join(", ", DEFAULT_SCHEDULES.keySet()));
        }
        long s = seconds(y, "SCHEDULES", e.getValue(), 0);
        if (s == 0) {
          schedules.remove(e.getKey());
        } else {
          schedules.put(e.getKey(), Duration.ofSeconds(s));
        }
      }
    }
    Duration maxAge = d.portLockMaxAge();
    if (y.has("PORT_LOCK_MAX_AGE")) {
      maxAge = Duration.ofSeconds(seconds(y, "PORT_LOCK_MAX_AGE", y.get("PORT_LOCK_MAX_AGE"), 1));
    }
    Map<String, HostSetupSetting> hosts = new LinkedHashMap<>();
    if (y.has("HOST_SETUP")) {
      Set<String> fields = new TreeSet<>(Set.of("SSH", "SUPERVISOR_SOCKET", "ROOT", "VRUN", "INCLUDE_DIR"));
      for (Map.Entry<String, Object> e : y.map("HOST_SETUP").entrySet()) {
        if (!(e.getValue() instanceof Map<?, ?> m) || !m.keySet().equals(fields)) {
          throw y.error("HOST_SETUP", "host " + e.getKey() + ": must be a map of exactly " + String.join(", ", fields));
        }
        hosts.put(e.getKey(), new HostSetupSetting(String.valueOf(m.get("SSH")), String.valueOf(m.get("SUPERVISOR_SOCKET")),
            String.valueOf(m.get("ROOT")), String.valueOf(m.get("VRUN")), String.valueOf(m.get("INCLUDE_DIR"))));
      }
    }
    Duration deadline = d.hostDeadline();
    if (y.has("HOST_DEADLINE")) {
      deadline = Duration.ofSeconds(seconds(y, "HOST_DEADLINE", y.get("HOST_DEADLINE"), 1));
    }
    return new JobSettings(heartbeat, Map.copyOf(schedules), maxAge, Map.copyOf(hosts), deadline);
  }

  private static long seconds(YamlMap y, String key, Object v, long min) {
    if (!(v instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() < min) {
      throw y.error(key, "must be a whole number of seconds, at least " + min + " (got '" + v + "')");
    }
    return n.longValue();
  }
}
