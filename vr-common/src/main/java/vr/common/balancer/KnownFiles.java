package vr.common.balancer;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vr.common.ssh.HostAddress;

/**
 * The balancer hosts' pool files as this process last read or wrote them, so that a change can be computed
 * without reading them first; the change script refuses it when they differ ({@link ChangeScript}), so a
 * stale entry costs a round trip, never an update. Least recently used entries go beyond {@value #MAX}.
 */
final class KnownFiles {
  static final int MAX = 4096;
  private record Key(HostAddress host, String path) {}

  private final Map<Key, Optional<String>> files = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Optional<String>> e) {
      return size() > MAX;
    }
  };

  /** The files' contents (null = absent) when all are known; else null. */
  synchronized Map<String, String> get(HostAddress host, List<String> paths) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : paths) {
      Optional<String> v = files.get(new Key(host, p));
      if (v == null) {
        return null;
      }
      out.put(p, v.orElse(null));
    }
    return out;
  }

  synchronized void put(HostAddress host, Map<String, String> contents) {
    contents.forEach((p, v) -> files.put(new Key(host, p), Optional.ofNullable(v)));
  }

  synchronized void forget(HostAddress host, Collection<String> paths) {
    for (String p : paths) {
      files.remove(new Key(host, p));
    }
  }
}
