package vr.agent;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.events.Channels;
import vr.common.model.ProcName;
import vr.common.supervisor.Host;
import vr.common.supervisor.Proc;
import vr.common.supervisor.ProcessInfo;

/**
 * What proc_publisher does with events, as the original: a {@code PROCESS_STATE_*} publishes the proc's
 * dictionary plus {@code event} on {@code proc_events}; {@code PROCESS_GROUP_REMOVED} publishes the removed
 * name, its parsed fields, {@code id}, {@code event} and {@code time}; and after the events (TICK_60 included)
 * the hash {@code host_procs:<host>} is replaced with supervisord's current list, expiring in 600 s.
 *
 * <p>Events come in batches ({@link EventBatcher}): whatever piled up while the previous batch was handled.
 * One {@code getAllProcessInfo}, asked after the batch's last event arrived, gives every message of the
 * batch its dictionary and then replaces the hash. One call per event, each listing every proc, was
 * quadratic in a burst (200 procs restarting: 800 calls listing 200 procs each), and the listener fell
 * behind supervisord's buffer. Synchronized, because the reconnect thread refreshes the hash through
 * {@link #refresh()} too.
 */
final class EventHandler {
  static final String CHANNEL = Channels.PROC_EVENTS;

  private final Host host;
  private final RedisOut redis;

  EventHandler(Host host, RedisOut redis) {
    this.host = host;
    this.redis = redis;
  }

  /** Publishes each event's message, in order, then replaces the hash; one RPC for all of them. */
  synchronized void handle(List<ListenerEvent> batch) {
    if (!redis.isUp()) {
      // nothing to publish to: skip the RPC too, the snapshot after the reconnect covers these events
      batch.forEach(e -> redis.countDropped());
      return;
    }
    List<ProcessInfo> infos = null;
    RuntimeException failure = null;
    try {
      infos = host.supervisor().getAllProcessInfo();
    } catch (RuntimeException e) {
      failure = e;
    }
    Map<String, ProcessInfo> byName = new HashMap<>();
    if (infos != null) {
      for (ProcessInfo i : infos) {
        byName.put(i.group() + ":" + i.name(), i);
        byName.putIfAbsent(i.name(), i);
      }
    }
    boolean stateEvents = false;
    for (ListenerEvent event : batch) {
      try {
        if (event.eventName().startsWith("PROCESS_STATE_")) {
          stateEvents = true;
          if (failure != null) {
            throw failure;
          }
          publishState(event, byName);
        } else if (event.eventName().equals("PROCESS_GROUP_REMOVED")) {
          redis.publish(CHANNEL, Host.toJson(groupRemoved(event)));
        }
      } catch (RuntimeException e) {
        Log.error("handling " + event.eventName() + " " + event.payloadHeaders() + " failed: " + e.getMessage());
      }
    }
    if (infos != null) {
      replace(infos);
    } else if (!stateEvents) {
      Log.error("refreshing " + host.cacheKey() + " after " + batch.size() + " event(s) failed: " + failure.getMessage());
    }
  }

  private void publishState(ListenerEvent event, Map<String, ProcessInfo> byName) {
    String proc = event.payload("processname");
    String group = event.payload("groupname");
    ProcessInfo info = byName.get(group == null || group.isEmpty() ? proc : group + ":" + proc);
    if (info == null) {
      Log.warn(event.eventName() + " for " + proc + ", which supervisord no longer lists; not published");
      return;
    }
    Map<String, Object> m = new Proc(host, info).asMap();
    m.put("event", event.eventName());
    redis.publish(CHANNEL, Host.toJson(m));
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
