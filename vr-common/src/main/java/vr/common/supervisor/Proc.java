package vr.common.supervisor;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import vr.common.model.Node;
import vr.common.model.ProcName;

/**
 * A process supervisord runs on a {@link Host}, as the server and the dashboard see it: supervisord's
 * info plus the fields parsed from its VR name ({@link ProcName#fields}; other programs get
 * {@code UNKNOWN} ones). {@link #asMap()} is the dictionary published on {@code proc_events}.
 */
public final class Proc {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

  private final Host host;
  private final ProcessInfo info;
  private final Map<String, Object> fields;

  public Proc(Host host, ProcessInfo info) {
    this.host = host;
    this.info = info;
    this.fields = ProcName.fields(info.name());
  }

  public Host host() {
    return host;
  }

  public ProcessInfo info() {
    return info;
  }

  public String name() {
    return info.name();
  }

  public String appName() {
    return (String) fields.get("app_name");
  }

  public String version() {
    return (String) fields.get("version");
  }

  public String configName() {
    return (String) fields.get("config_name");
  }

  public String hash() {
    return (String) fields.get("hash");
  }

  public String procName() {
    return (String) fields.get("proc_name");
  }

  public int port() {
    return (Integer) fields.get("port");
  }

  /** The name with every {@code .} replaced by {@code dot}, usable as a DOM id. */
  public String jsname() {
    return info.name().replace(".", "dot");
  }

  /** {@code <host>-<name>}: unique across hosts. */
  public String id() {
    return host.name() + "-" + info.name();
  }

  /** {@code <app>-<version>-<proc>}. */
  public String shortname() {
    return appName() + "-" + version() + "-" + procName();
  }

  /** The balancer node, {@code <host>:<port>}. */
  public Node asNode() {
    return new Node(host.name(), port());
  }

  /** Supervisor times (Unix seconds, 0 = never) as ISO 8601 UTC, e.g. {@code 2012-12-19T06:19:46+00:00}. */
  public static String isoTime(long epochSeconds) {
    return epochSeconds == 0 ? null : ISO.format(Instant.ofEpochSecond(epochSeconds));
  }

  /**
   * The original's {@code as_dict()}: exactly {@code app_name, config_name, description, exitstatus, group,
   * hash, host, id, jsname, logfile, name, now, pid, port, proc_name, spawnerr, start_time, state,
   * statename, stderr_logfile, stdout_logfile, stop_time, version}, in the order the original emits them.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", info.description());
    m.put("exitstatus", info.exitstatus());
    m.put("group", info.group());
    m.put("logfile", info.logfile());
    m.put("name", info.name());
    m.put("now", isoTime(info.now()));
    m.put("pid", info.pid());
    m.put("spawnerr", info.spawnerr());
    m.put("start_time", isoTime(info.start()));
    m.put("state", info.state());
    m.put("statename", info.statename());
    m.put("stderr_logfile", info.stderrLogfile());
    m.put("stdout_logfile", info.stdoutLogfile());
    m.put("stop_time", isoTime(info.stop()));
    m.putAll(fields);
    m.put("jsname", jsname());
    m.put("id", id());
    m.put("host", host.name());
    return m;
  }

  /** Starts it; true when it started, false when it was already running. */
  public boolean start() {
    return host.supervisor().startProcess(info.namespec());
  }

  /** Stops it; true when it stopped, false when it was not running. */
  public boolean stop() {
    return host.supervisor().stopProcess(info.namespec());
  }

  public void restart() {
    stop();
    start();
  }

  @Override
  public String toString() {
    return "<Proc " + info.name() + " on " + host.name() + ": " + info.statename() + ">";
  }
}
