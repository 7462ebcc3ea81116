package vr.server.api.rest;

/**
 * One field of a resource as the API shows it and the table stores it. The API name and the column may
 * differ ({@code order} is {@code sort_order}: ORDER is reserved in SQL).
 */
public record Field(String name, Kind kind, String column, boolean required, boolean readOnly, Object dflt,
    int maxLength, String related, String summary) {

  /** What a field holds, and so how it is read from JSON, stored and written back. */
  public enum Kind {
    STRING, INT, BOOL, TIME,
    /** A mapping, stored as YAML text; given as a JSON object or a YAML string, shown as a YAML string. */
    YAML_MAP,
    /** A list, stored as YAML text (volumes: [[host_dir, mountpoint], ...]); shown as a JSON list. */
    YAML_LIST,
    /** A foreign key shown as the related object's URI; given as that URI, or its key alone. */
    RELATED,
    /** A list of related objects' URIs kept in a join table. */
    RELATED_MANY,
    /** Computed on read; never written. */
    COMPUTED,
    /**
     * Written but not stored as such: the value reaches the hooks under {@code "@<name>"} (a swarm's
     * {@code version} sets its release).
     */
    VIRTUAL
  }

  public static Field string(String name, int maxLength, boolean required, String summary) {
    return new Field(name, Kind.STRING, name, required, false, null, maxLength, null, summary);
  }

  public static Field text(String name, String column, String summary) {
    return new Field(name, Kind.STRING, column, false, false, null, 0, null, summary);
  }

  public static Field integer(String name, String column, Object dflt, String summary) {
    return new Field(name, Kind.INT, column, false, false, dflt, 0, null, summary);
  }

  public static Field bool(String name, Object dflt, String summary) {
    return new Field(name, Kind.BOOL, name, false, false, dflt, 0, null, summary);
  }

  public static Field time(String name, String column, String summary) {
    return new Field(name, Kind.TIME, column, false, true, null, 0, null, summary);
  }

  public static Field yamlMap(String name, String summary) {
    return new Field(name, Kind.YAML_MAP, name, false, false, null, 0, null, summary);
  }

  public static Field yamlList(String name, String summary) {
    return new Field(name, Kind.YAML_LIST, name, false, false, null, 0, null, summary);
  }

  public static Field related(String name, String related, boolean required, String summary) {
    return new Field(name, Kind.RELATED, name + "_id", required, false, null, 0, related, summary);
  }

  public static Field computed(String name, String summary) {
    return new Field(name, Kind.COMPUTED, null, false, true, null, 0, null, summary);
  }

  public static Field virtual(String name, String summary) {
    return new Field(name, Kind.VIRTUAL, "@" + name, false, false, null, 0, null, summary);
  }

  public Field readOnlyField() {
    return new Field(name, kind, column, required, true, dflt, maxLength, related, summary);
  }

  public Field withDefault(Object value) {
    return new Field(name, kind, column, required, readOnly, value, maxLength, related, summary);
  }
}
