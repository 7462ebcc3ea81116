package vr.agent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.model.ProcName;
import vr.common.supervisor.Host;
import vr.common.supervisor.Proc;
import vr.common.supervisor.ProcessInfo;

/**
 * What proc_publisher does with each event, as the original: a {@code PROCESS_STATE_*} publishes the proc's
 * dictionary plus {@code event} on {@code proc_events}; {@code PROCESS_GROUP_REMOVED} publishes the removed
 * name, its parsed fields, {@code id}, {@code event} and {@code time}; and after every event (TICK_60
 * included) the hash {@code host_procs:<host>} is replaced with supervisord's current list, expiring in 600 s.
 * Synchronized, because the reconnect thread refreshes the hash through {@link #refresh()} too.
 */
final class EventHandler {
  static final String CHANNEL = "proc_events";

  private final Host host;
  private final RedisLink redis;

  EventHandler(Host host, RedisLink redis) {
    this.host = host;
    this.redis = redis;
  }

  synchronized void handle(ListenerEvent event) {
    if (!redis.isUp()) {
      // nothing to publish to: skip the RPC too, the snapshot after the reconnect covers this event
      redis.countDropped();
      return;
    }
    String name = event.eventName();
    if (name.equals("PROCESS_GROUP_REMOVED")) {
      redis.publish(CHANNEL, Host.toJson(groupRemoved(event)));
    }
    List<ProcessInfo> infos = host.supervisor().getAllProcessInfo();
    if (name.startsWith("PROCESS_STATE_")) {
      String proc = event.payload("processname");
      String group = event.payload("groupname");
      ProcessInfo info = infos.stream()
          .filter(i -> i.name().equals(proc) && (group == null || group.isEmpty() || group.equals(i.group())))
          .findFirst().orElse(null);
      if (info == null) {
        Log.warn(name + " for " + proc + ", which supervisord no longer lists; not published");
      } else {
        Map<String, Object> m = new Proc(host, info).asMap();
        m.put("event", name);
        redis.publish(CHANNEL, Host.toJson(m));
      }
    }
    replace(infos);
  }

  /** Replaces the host's hash with supervisord's current list. */
  synchronized void refresh() {
    replace(host.supervisor().getAllProcessInfo());
  }

  private void replace(List<ProcessInfo> infos) {
    redis.replaceHash(host.cacheKey(), Host.cacheEntries(infos), Host.CACHE_LIFETIME);
  }

  /** The original's {@code Event.emit()} plus the removed group's name, parsed fields and id. */
  private Map<String, Object> groupRemoved(ListenerEvent event) {
    String group = event.payload("groupname");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", event.eventName());
    m.put("host", host.name());
    m.put("payload_headers", event.payloadHeaders());
    m.put("payload_data", event.payloadData());
    m.put("time", time(event));
    m.put("name", group);
    m.putAll(ProcName.fields(group));
    m.put("id", host.name() + "-" + group);
    return m;
  }

  private static String time(ListenerEvent event) {
    String when = event.payload("when");
    long seconds = Instant.now().getEpochSecond();
    if (when != null) {
      try {
        seconds = (long) Double.parseDouble(when);
      } catch (NumberFormatException ignored) {
        // supervisord always sends a number; fall back to now
      }
    }
    return Proc.isoTime(seconds);
  }
}
