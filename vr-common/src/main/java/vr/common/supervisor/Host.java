package vr.common.supervisor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vr.common.VrException;

/**
 * An app host as the server sees it: its name (which must match what proc_publisher calls it), its
 * supervisord, and optionally a {@link ProcCache}. Unlike the original, a host whose supervisord cannot
 * be reached does not answer "no procs": {@link #procs()} throws {@link SupervisorUnreachableException}
 * (the original's issues #89/#90, where down hosts emptied the dashboard).
 */
public final class Host {
  public static final String CACHE_PREFIX = "host_procs";
  public static final Duration CACHE_LIFETIME = Duration.ofSeconds(600);
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
    return CACHE_PREFIX + ":" + name;
  }

  /** Every proc, asked of supervisord now; refreshes the cache. */
  public List<Proc> procs() {
    return procs(false);
  }

  /**
   * Every proc; with {@code checkCache} from a non-empty cache when there is one. An empty or expired cache
   * falls through to supervisord, so an unreachable host is an error, never an empty list.
   */
  public List<Proc> procs(boolean checkCache) {
    if (checkCache && cache != null) {
      Map<String, String> cached = cache.all(cacheKey());
      if (!cached.isEmpty()) {
        List<Proc> out = new ArrayList<>();
        cached.values().forEach(json -> out.add(new Proc(this, fromJson(json))));
        return out;
      }
    }
    return refresh();
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
      Optional<String> hit = cache.get(cacheKey(), procName);
      if (hit.isPresent()) {
        return new Proc(this, fromJson(hit.get()));
      }
    }
    for (Proc p : refresh()) {
      if (p.name().equals(procName)) {
        return p;
      }
    }
    throw new VrException("host " + name + " has no proc named " + procName);
  }

  /** The cache's entries for a proc list: name to supervisord's dictionary as JSON. */
  public static Map<String, String> cacheEntries(List<ProcessInfo> infos) {
    Map<String, String> m = new LinkedHashMap<>();
    for (ProcessInfo i : infos) {
      m.put(i.name(), toJson(i.toMap()));
    }
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
