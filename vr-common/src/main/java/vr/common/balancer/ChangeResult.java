package vr.common.balancer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a change did on each balancer host: {@code updated} hosts took the change, {@code unchanged} ones
 * already had it, {@code failed} ones (host → reason) did not. With several hosts the original reported
 * nothing of this; here the caller learns exactly which hosts to repair.
 */
public record ChangeResult(List<String> updated, List<String> unchanged, Map<String, String> failed) {
  public static final ChangeResult EMPTY = new ChangeResult(List.of(), List.of(), Map.of());

  public ChangeResult {
    updated = List.copyOf(updated);
    unchanged = List.copyOf(unchanged);
    failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
  }

  public boolean ok() {
    return failed.isEmpty();
  }

  /** Both results' hosts, for fan-out backends. */
  public ChangeResult plus(ChangeResult o) {
    List<String> u = new ArrayList<>(updated);
    u.addAll(o.updated);
    List<String> n = new ArrayList<>(unchanged);
    n.addAll(o.unchanged);
    Map<String, String> f = new LinkedHashMap<>(failed);
    f.putAll(o.failed);
    return new ChangeResult(u, n, f);
  }

  /** This result with every host name prefixed, e.g. by the member's name in a chain. */
  public ChangeResult prefixed(String prefix) {
    Map<String, String> f = new LinkedHashMap<>();
    failed.forEach((k, v) -> f.put(prefix + k, v));
    return new ChangeResult(updated.stream().map(h -> prefix + h).toList(), unchanged.stream().map(h -> prefix + h).toList(), f);
  }

  /** One line: {@code updated on a, b; unchanged on c; failed on d (reason)}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (!updated.isEmpty()) {
      parts.add("updated on " + String.join(", ", updated));
    }
    if (!unchanged.isEmpty()) {
      parts.add("unchanged on " + String.join(", ", unchanged));
    }
    if (!failed.isEmpty()) {
      List<String> f = new ArrayList<>();
      failed.forEach((h, why) -> f.add(h + " (" + why + ")"));
      parts.add("failed on " + String.join(", ", f));
    }
    return parts.isEmpty() ? "nothing to do" : String.join("; ", parts);
  }

  /** Collects per-host outcomes. */
  public static final class Builder {
    private final List<String> updated = new ArrayList<>();
    private final List<String> unchanged = new ArrayList<>();
    private final Map<String, String> failed = new LinkedHashMap<>();

    public Builder updated(String host) {
      updated.add(host);
      return this;
    }

    public Builder unchanged(String host) {
      unchanged.add(host);
      return this;
    }

    public Builder failed(String host, String reason) {
      failed.put(host, reason);
      return this;
    }

    public ChangeResult build() {
      return new ChangeResult(updated, unchanged, failed);
    }
  }
}
