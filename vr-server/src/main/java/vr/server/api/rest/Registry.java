package vr.server.api.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/** The resource definitions by name, and the join tables of their many-valued fields. */
public final class Registry {
  /** A join table: {@code ownColumn} points at the resource, {@code otherColumn} at the related one. */
  public record Join(String table, String ownColumn, String otherColumn) {}

  private final Map<String, ResourceDef> defs = new LinkedHashMap<>();
  private final Map<String, Join> joins = new LinkedHashMap<>();

  public Registry add(ResourceDef d) {
    defs.put(d.name(), d);
    return this;
  }

  public Registry join(String resource, String field, Join j) {
    joins.put(resource + "." + field, j);
    return this;
  }

  public ResourceDef def(String name) {
    ResourceDef d = defs.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no resource " + name);
    }
    return d;
  }

  public Join join(String resource, String field) {
    Join j = joins.get(resource + "." + field);
    if (j == null) {
      throw new IllegalArgumentException("no join for " + resource + "." + field);
    }
    return j;
  }

  public Iterable<ResourceDef> all() {
    return defs.values();
  }
}
