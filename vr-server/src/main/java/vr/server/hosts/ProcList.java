package vr.server.hosts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import vr.common.supervisor.Proc;

/**
 * A host's procs as the server could learn them, and how it learned them: never a bare list, so that a host
 * that could not be reached is not shown as a host without procs (the original's #89 and #90).
 *
 * @param host the host's name
 * @param state {@code up} when the procs are current, else {@code down} (sshd or supervisord did not answer)
 *     or {@code unknown} (no answer in time, a stale or missing cache)
 * @param reason why the host is not {@code up}, one line; null when it is
 * @param source where {@code procs} come from
 * @param checkedAt when the state was established: now for a live call, the cache's write for a cache hit
 * @param cachedAt when the cache that {@code procs} come from was written; null for live procs or when unknown
 * @param procs the procs (empty when none could be learned: then {@code state} is not {@code up})
 */
public record ProcList(String host, State state, String reason, Source source, Instant checkedAt, Instant cachedAt,
    List<Proc> procs) {

  public enum State {
    UP, DOWN, UNKNOWN;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Source {
    CACHE("cache"), LIVE("live"), STALE_CACHE("stale-cache");

    private final String json;

    Source(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }

  public ProcList {
    procs = List.copyOf(procs);
  }

  /** The same answer with only the procs that {@code keep} accepts (a swarm's). */
  public ProcList filter(Predicate<Proc> keep) {
    return new ProcList(host, state, reason, source, checkedAt, cachedAt, procs.stream().filter(keep).toList());
  }

  /** The procs as the original's {@code Proc.as_dict()}. */
  public List<Map<String, Object>> objects() {
    List<Map<String, Object>> out = new ArrayList<>(procs.size());
    procs.forEach(p -> out.add(p.asMap()));
    return out;
  }

  /** {@code {"host", "state", "reason", "source", "checked_at", "cached_at", "objects"}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = status();
    m.put("objects", objects());
    return m;
  }

  /** {@link #toMap()} without the procs: a host's line in a list that spans hosts. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", host);
    m.put("state", state.json());
    m.put("reason", reason);
    m.put("source", source.json());
    m.put("checked_at", checkedAt == null ? null : checkedAt.toString());
    m.put("cached_at", cachedAt == null ? null : cachedAt.toString());
    return m;
  }
}
