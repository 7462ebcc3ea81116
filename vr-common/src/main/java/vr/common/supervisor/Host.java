package vr.common.supervisor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.VrException;
import vr.common.events.Channels;

/**
 * An app host as the server sees it: its name (which must match what proc_publisher calls it), its
 * supervisord, and optionally a {@link ProcCache}. Unlike the original, a host whose supervisord cannot
 * be reached does not answer "no procs": {@link #procs()} throws {@link SupervisorUnreachableException}
 * (the original's issues #89/#90, where down hosts emptied the dashboard).
 */
public final class Host {
  public static final Duration CACHE_LIFETIME = Channels.HOST_PROCS_TTL;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final String name;
  private final SupervisorClient supervisor;
  private final ProcCache cache;

  public Host(String name, SupervisorClient supervisor, ProcCache cache) {
    if (name == null || name.isBlank()) {
      throw new VrException("a host needs a name");
    }
    this.name = name;
    this.supervisor = supervisor;
    this.cache = cache;
  }

  public Host(String name, SupervisorClient supervisor) {
    this(name, supervisor, null);
  }

  /** The original's {@code Host(name, port)}: supervisord's HTTP interface on {@code name:port}. */
  public static Host of(String name, int port, String username, String password) {
    return new Host(name, SupervisorClient.connect("http://" + name + ":" + port + "/RPC2", username, password));
  }

  public String name() {
    return name;
  }

  /** The first label of the name: {@code app1} for {@code app1.example.com}. */
  public String shortname() {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  public SupervisorClient supervisor() {
    return supervisor;
  }

  /** {@code host_procs:<name>}. */
  public String cacheKey() {
    return Channels.hostProcs(name);
  }

  /** Every proc, asked of supervisord now; refreshes the cache. */
  public List<Proc> procs() {
    return procs(false);
  }

  /**
   * Every proc; with {@code checkCache} from the cache when it is fresh (see {@link #cachedProcs}). A stale,
   * missing or expired cache falls through to supervisord, so an unreachable host is an error, never an
   * empty list; a fresh cache of a host without procs is an empty list.
   */
  public List<Proc> procs(boolean checkCache) {
    if (checkCache && cache != null) {
      CachedProcs c = cachedProcs(Instant.now());
      if (c.state() == CachedProcs.State.FRESH) {
        return c.procs();
      }
    }
    return refresh();
  }

  /**
   * What the cache says of this host, without asking it: {@link CachedProcs.State#FRESH} when the listener
   * wrote it within {@link Channels#HOST_PROCS_STALE_AFTER}, {@link CachedProcs.State#STALE} with the procs
   * it last saw when it has been silent longer, {@link CachedProcs.State#MISSING} when there is no hash (it
   * expired: silent for ten minutes, or it never ran). Neither of the last two means "no procs" (the
   * original's #90 showed a down host as empty). A hash without the time (written by an older listener)
   * counts as fresh when it lists procs and as missing when it is empty.
   */
  public CachedProcs cachedProcs(Instant now) {
    if (cache == null) {
      return new CachedProcs(CachedProcs.State.MISSING, List.of(), null);
    }
    Map<String, String> cached = cache.all(cacheKey());
    String updated = cached.get(Channels.HOST_PROCS_UPDATED);
    List<Proc> out = new ArrayList<>();
    for (Map.Entry<String, String> e : cached.entrySet()) {
      if (!e.getKey().equals(Channels.HOST_PROCS_UPDATED)) {
        out.add(new Proc(this, fromJson(e.getValue())));
      }
    }
    if (updated == null) {
      return new CachedProcs(out.isEmpty() ? CachedProcs.State.MISSING : CachedProcs.State.FRESH, out, null);
    }
    Instant at;
    try {
      at = Instant.parse(updated);
    } catch (java.time.format.DateTimeParseException e) {
      throw new VrException("bad time in " + cacheKey() + ": " + updated);
    }
    boolean stale = Duration.between(at, now).compareTo(Channels.HOST_PROCS_STALE_AFTER) > 0;
    return new CachedProcs(stale ? CachedProcs.State.STALE : CachedProcs.State.FRESH, out, at);
  }

  /** Asks supervisord for every proc and, with a cache, replaces the cached set. */
  public List<Proc> refresh() {
    List<ProcessInfo> infos = supervisor.getAllProcessInfo();
    if (cache != null) {
      cache.replace(cacheKey(), cacheEntries(infos), CACHE_LIFETIME);
    }
    List<Proc> out = new ArrayList<>(infos.size());
    infos.forEach(i -> out.add(new Proc(this, i)));
    return out;
  }

  /** One proc by name; a {@link VrException} when the host has none of that name. */
  public Proc proc(String procName, boolean checkCache) {
    if (checkCache && cache != null) {
      // One read of the hash tells both whether it is fresh and what it holds.
      CachedProcs c = cachedProcs(Instant.now());
      if (c.state() == CachedProcs.State.FRESH) {
        for (Proc p : c.procs()) {
          if (p.name().equals(procName)) {
            return p;
          }
        }
      }
    }
    for (Proc p : refresh()) {
      if (p.name().equals(procName)) {
        return p;
      }
    }
    throw new VrException("host " + name + " has no proc named " + procName);
  }

  /**
   * The cache's entries for a proc list: name to supervisord's dictionary as JSON, and
   * {@link Channels#HOST_PROCS_UPDATED} with the time of the list (now), so that readers can tell a stale
   * cache and an empty host from a missing one.
   */
  public static Map<String, String> cacheEntries(List<ProcessInfo> infos) {
    Map<String, String> m = new LinkedHashMap<>();
    for (ProcessInfo i : infos) {
      m.put(i.name(), toJson(i.toMap()));
    }
    m.put(Channels.HOST_PROCS_UPDATED, Instant.now().toString());
    return m;
  }

  /** JSON for a published or cached dictionary (Jackson; keys in the map's order). */
  public static String toJson(Map<String, Object> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + map.keySet(), e);
    }
  }

  private ProcessInfo fromJson(String json) {
    try {
      return ProcessInfo.from(JSON.readValue(json, MAP));
    } catch (JsonProcessingException e) {
      throw new VrException("bad cached proc entry in " + cacheKey() + ": " + e.getOriginalMessage());
    }
  }

  @Override
  public String toString() {
    return "<Host " + name + ">";
  }
}
