package vr.server.api.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A REST resource under {@code /api/v1/<name>/}: its table, the key of its detail URLs ({@code id}, or
 * {@code name} for apps, squads, hosts and stacks, as the original), its fields, filters and order. The
 * JSON shapes, the handlers, the OpenAPI document and the tests all read this one definition.
 */
public record ResourceDef(String name, String table, String key, List<Field> fields, List<String> filters,
    String orderBy, String summary, Hooks hooks) {

  /** What a resource adds to the generic behaviour. All methods have do-nothing defaults. */
  public interface Hooks {
    /**
     * Checks (and may complete) the values about to be written: column name → value, the whole row as it
     * will be. Throws {@code ApiException.badField}.
     */
    default void validate(Handle h, Map<String, Object> row, boolean creating) {}

    /**
     * Loads, once for a whole page, what {@link #decorate} would otherwise query per object (keep it in
     * {@code ctx}): a list of 1,000 swarms then costs a few queries, not thousands.
     */
    default void prefetch(Handle h, List<Map<String, Object>> rows, RenderContext ctx) {}

    /** Adds computed fields to an object about to be shown; {@code row} is the stored row. */
    default void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext ctx) {}

    /** Runs in the write's transaction after the row is stored ({@code id} known). */
    default void afterWrite(Handle h, long id, Map<String, Object> row, boolean creating) {}

    /** Refuses a delete (e.g. a build in use) with an ApiException. */
    default void beforeDelete(Handle h, long id) {}
  }

  public static final Hooks NO_HOOKS = new Hooks() {};

  public Optional<Field> field(String fieldName) {
    return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
  }

  public String listUri() {
    return "/api/v1/" + name + "/";
  }

  public String uri(Object keyValue) {
    return listUri() + keyValue + "/";
  }
}
