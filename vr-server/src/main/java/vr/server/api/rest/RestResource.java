package vr.server.api.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;

/**
 * The generic REST behaviour of a {@link ResourceDef}, compatible with the original's Tastypie API: the list
 * envelope {@code {"meta": {limit, next, offset, previous, total_count}, "objects": [...]}}, {@code resource_uri}
 * on every object, related objects as URIs, exact-match filters (and {@code <related>__name}), POST → 201 with
 * {@code Location}, PUT → 204, PATCH → 202, DELETE → 204, and a 400 naming the field for bad input.
 */
public final class RestResource {
  private static final Set<String> PAGING = Set.of("limit", "offset", "format", "_");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

  private final ResourceDef def;
  private final Registry registry;
  private final Jdbi jdbi;
  private final Audit audit;
  private final int defaultLimit;
  private final int maxLimit;

  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString RESOURCE_URI = new SerializedString("resource_uri");
  private static final ObjectWriter VALUES = Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  /** The stored fields an object shows (in order), its many-valued ones, and their encoded names. */
  private final List<Field> shown = new ArrayList<>();
  private final List<SerializedString> shownNames = new ArrayList<>();
  private final List<Field> many = new ArrayList<>();
  private final List<SerializedString> manyNames = new ArrayList<>();
  /** The keys every object has before the hooks' computed ones. */
  private final Set<String> generic = new java.util.HashSet<>();

  public RestResource(ResourceDef def, Registry registry, Jdbi jdbi, Audit audit, int defaultLimit) {
    for (Field f : def.fields()) {
      switch (f.kind()) {
        case COMPUTED, VIRTUAL -> { }
        case RELATED_MANY -> {
          many.add(f);
          manyNames.add(new SerializedString(f.name()));
          generic.add(f.name());
        }
        default -> {
          shown.add(f);
          shownNames.add(new SerializedString(f.name()));
          generic.add(f.name());
        }
      }
    }
    generic.add("id");
    generic.add("resource_uri");
    this.def = def;
    this.registry = registry;
    this.jdbi = jdbi;
    this.audit = audit;
    this.defaultLimit = defaultLimit;
    this.maxLimit = Math.max(1000, defaultLimit);
  }

  public ResourceDef def() {
    return def;
  }

  /** Adds the routes of this resource: list and detail, and unless {@code readOnly} the writes. */
  public void register(Router r, boolean readOnly) {
    String list = def.listUri();
    String detail = list + "{key}/";
    r.get(list, Access.USER, "List " + def.name() + ": " + def.summary(), this::list);
    r.get(detail, Access.USER, "One of " + def.name() + " by " + def.key(), this::detail);
    if (readOnly) {
      return;
    }
    r.post(list, Access.USER, "Create one of " + def.name(), this::create);
    r.put(detail, Access.USER, "Replace the writable fields of one of " + def.name(), ctx -> update(ctx, 204));
    r.patch(detail, Access.USER, "Change some fields of one of " + def.name(), ctx -> update(ctx, 202));
    r.delete(detail, Access.USER, "Delete one of " + def.name(), this::delete);
  }

  // --- handlers

  void list(Context ctx) throws IOException {
    int limit = intParam(ctx, "limit", defaultLimit);
    if (limit <= 0 || limit > maxLimit) {
      limit = maxLimit;
    }
    int offset = Math.max(0, intParam(ctx, "offset", 0));
    int lim = limit;
    byte[] body = jdbi.withHandle(h -> {
      Records.Where w = where(h, ctx);
      long total = Records.count(h, def, w);
      List<Map<String, Object>> rows = Records.list(h, def, w, lim, offset);
      RenderContext rc = new RenderContext();
      prefetchMany(h, rows, rc);
      def.hooks().prefetch(h, rows, rc);
      ByteArrayBuilder buf = new ByteArrayBuilder(null, 4096 + rows.size() * 1024);
      try (JsonGenerator g = Json.MAPPER.createGenerator(buf)) {
        g.writeStartObject();
        g.writeObjectFieldStart("meta");
        g.writeNumberField("limit", lim);
        writeNullable(g, "next", offset + lim < total ? page(ctx, lim, offset + lim) : null);
        g.writeNumberField("offset", offset);
        writeNullable(g, "previous", offset > 0 ? page(ctx, lim, Math.max(0, offset - lim)) : null);
        g.writeNumberField("total_count", total);
        g.writeEndObject();
        g.writeArrayFieldStart("objects");
        for (Map<String, Object> row : rows) {
          write(g, h, row, rc);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      return buf.toByteArray();
    });
    ctx.contentType("application/json").result(body);
  }

  private static void writeNullable(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }

  void detail(Context ctx) {
    Map<String, Object> out = jdbi.withHandle(h -> render(h, find(h, ctx.pathParam("key")), new RenderContext()));
    ctx.contentType("application/json").result(Json.write(out));
  }

  void create(Context ctx) {
    ObjectNode body = Json.object(ctx);
    Map<String, Object> out = jdbi.inTransaction(h -> {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Field f : def.fields()) {
        if (!f.readOnly() && f.column() != null && f.dflt() != null) {
          row.put(f.column(), f.dflt());
        }
      }
      Map<String, List<Long>> many = apply(h, body, row);
      for (Field f : def.fields()) {
        if (f.required() && !f.readOnly() && row.get(f.column()) == null) {
          throw ApiException.badField(f.name(), f.name() + ": this field is required");
        }
      }
      def.hooks().validate(h, row, true);
      Map<String, Object> virtuals = virtuals(row);
      unique(h, row, -1);
      long id = Records.insert(h, def.table(), row);
      setMany(h, id, many);
      Map<String, Object> stored = Records.byId(h, def.table(), id).orElseThrow();
      stored.putAll(virtuals);
      def.hooks().afterWrite(h, id, stored, true);
      return render(h, Records.byId(h, def.table(), id).orElseThrow(), new RenderContext());
    });
    audit.record(Router.principal(ctx), "create", def.name() + " " + keyOf(out), null, false);
    ctx.status(201).header("Location", (String) out.get("resource_uri"));
    ctx.contentType("application/json").result(Json.write(out));
  }

  void update(Context ctx, int status) {
    ObjectNode body = Json.object(ctx);
    Map<String, Object> out = jdbi.inTransaction(h -> {
      Map<String, Object> existing = find(h, ctx.pathParam("key"));
      long id = ((Number) existing.get("id")).longValue();
      Map<String, Object> changes = new LinkedHashMap<>();
      Map<String, List<Long>> many = apply(h, body, changes);
      Map<String, Object> row = new LinkedHashMap<>(existing);
      row.putAll(changes);
      for (Field f : def.fields()) {
        if (f.required() && !f.readOnly() && f.column() != null && row.get(f.column()) == null) {
          throw ApiException.badField(f.name(), f.name() + ": this field is required");
        }
      }
      def.hooks().validate(h, row, false);
      Map<String, Object> virtuals = virtuals(row);
      unique(h, row, id);
      Map<String, Object> toWrite = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : row.entrySet()) {
        if (!e.getKey().equals("id") && !e.getKey().startsWith("@") && (changes.containsKey(e.getKey()) || !java.util.Objects.equals(e.getValue(), existing.get(e.getKey())))) {
          toWrite.put(e.getKey(), e.getValue());
        }
      }
      Records.update(h, def.table(), id, toWrite);
      setMany(h, id, many);
      Map<String, Object> stored = Records.byId(h, def.table(), id).orElseThrow();
      stored.putAll(virtuals);
      def.hooks().afterWrite(h, id, stored, false);
      return render(h, Records.byId(h, def.table(), id).orElseThrow(), new RenderContext());
    });
    audit.record(Router.principal(ctx), "update", def.name() + " " + keyOf(out), null, false);
    ctx.status(status);
    if (status != 204) {
      ctx.contentType("application/json").result(Json.write(out));
    }
  }

  void delete(Context ctx) {
    String key = ctx.pathParam("key");
    jdbi.useTransaction(h -> {
      long id = ((Number) find(h, key).get("id")).longValue();
      def.hooks().beforeDelete(h, id);
      Records.delete(h, def.table(), id);
    });
    audit.record(Router.principal(ctx), "delete", def.name() + " " + key, null, false);
    ctx.status(204);
  }

  // --- reading input

  /** Takes the virtual fields ("@name") out of a row about to be stored. */
  private static Map<String, Object> virtuals(Map<String, Object> row) {
    Map<String, Object> v = new LinkedHashMap<>();
    row.entrySet().removeIf(e -> {
      if (e.getKey().startsWith("@")) {
        v.put(e.getKey(), e.getValue());
        return true;
      }
      return false;
    });
    return v;
  }

  /** Copies the body's writable fields into {@code row} (by column); returns the many-valued ones. */
  private Map<String, List<Long>> apply(Handle h, ObjectNode body, Map<String, Object> row) {
    Map<String, List<Long>> many = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = body.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      Field f = def.field(name).orElse(null);
      if (f == null) {
        if (name.equals("resource_uri") || name.equals("id")) {
          continue;
        }
        throw ApiException.badField(name, name + ": " + def.name() + " have no such field");
      }
      if (f.readOnly()) {
        continue; // clients send back whole documents they read; read-only fields are ignored, as Tastypie did
      }
      JsonNode v = e.getValue();
      switch (f.kind()) {
        case RELATED_MANY -> many.put(f.name(), relatedMany(h, f, v));
        default -> row.put(f.column(), value(h, f, v));
      }
    }
    return many;
  }

  private Object value(Handle h, Field f, JsonNode v) {
    if (v == null || v.isNull()) {
      return f.kind() == Field.Kind.BOOL || f.kind() == Field.Kind.INT ? f.dflt() : null;
    }
    return switch (f.kind()) {
      case STRING -> {
        if (!v.isTextual() && !v.isNumber()) {
          throw ApiException.badField(f.name(), f.name() + ": must be a string");
        }
        String s = v.asText();
        if (f.maxLength() > 0 && s.length() > f.maxLength()) {
          throw ApiException.badField(f.name(), f.name() + ": at most " + f.maxLength() + " characters");
        }
        if (s.indexOf('\0') >= 0) {
          throw ApiException.badField(f.name(), f.name() + ": must not contain NUL");
        }
        yield s.isEmpty() && f.required() ? null : s;
      }
      case INT -> {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          yield v.intValue();
        }
        if (v.isTextual() && v.asText().matches("-?\\d{1,9}")) {
          yield Integer.parseInt(v.asText());
        }
        throw ApiException.badField(f.name(), f.name() + ": must be an integer");
      }
      case BOOL -> {
        if (v.isBoolean()) {
          yield v.booleanValue();
        }
        throw ApiException.badField(f.name(), f.name() + ": must be true or false");
      }
      case YAML_MAP -> YamlValues.fromJson(f.name(), v, false);
      case YAML_LIST -> YamlValues.fromJson(f.name(), v, true);
      case RELATED -> v.isTextual() && v.asText().isEmpty() ? null : related(h, f, v);
      case VIRTUAL -> v.isTextual() ? v.asText() : v.toString();
      default -> throw ApiException.badField(f.name(), f.name() + ": cannot be written");
    };
  }

  /** The id of the related object named by a URI ({@code /api/v1/apps/foo/}), its key, or its id. */
  private Long related(Handle h, Field f, JsonNode v) {
    ResourceDef other = registry.def(f.related());
    String s = v.asText().strip();
    String prefix = other.listUri();
    if (s.startsWith(prefix)) {
      s = s.substring(prefix.length());
      if (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
    } else if (s.startsWith("/api/")) {
      throw ApiException.badField(f.name(), f.name() + ": '" + v.asText() + "' is not a URI of " + other.name());
    }
    String key = s;
    Long id;
    if (other.key().equals("id") || key.matches("\\d+") && !other.key().equals("name")) {
      try {
        id = Long.parseLong(key);
      } catch (NumberFormatException e) {
        throw ApiException.badField(f.name(), f.name() + ": '" + v.asText() + "' is not an id of " + other.name());
      }
      if (!Records.exists(h, other.table(), id)) {
        id = null;
      }
    } else {
      id = Records.idByName(h, other.table(), key).orElse(null);
    }
    if (id == null) {
      throw ApiException.badField(f.name(), f.name() + ": no " + other.name() + " '" + key + "'");
    }
    return id;
  }

  private List<Long> relatedMany(Handle h, Field f, JsonNode v) {
    List<Long> ids = new ArrayList<>();
    if (v == null || v.isNull()) {
      return ids;
    }
    if (!v.isArray()) {
      throw ApiException.badField(f.name(), f.name() + ": must be a list of URIs");
    }
    for (JsonNode e : v) {
      Long id = related(h, f, e);
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private void setMany(Handle h, long id, Map<String, List<Long>> many) {
    for (Map.Entry<String, List<Long>> e : many.entrySet()) {
      Registry.Join j = registry.join(def.name(), e.getKey());
      h.createUpdate("DELETE FROM " + j.table() + " WHERE " + j.ownColumn() + " = :id").bind("id", id).execute();
      for (Long other : e.getValue()) {
        h.createUpdate("INSERT INTO " + j.table() + " (" + j.ownColumn() + ", " + j.otherColumn() + ") VALUES (:a, :b)")
            .bind("a", id).bind("b", other).execute();
      }
    }
  }

  /** Unique columns (name, repo_url) refused with a 400 naming the field, before the database would. */
  private void unique(Handle h, Map<String, Object> row, long selfId) {
    for (Field f : def.fields()) {
      if ((f.name().equals("name") || f.name().equals("repo_url") && def.name().equals("buildpacks"))
          && row.get(f.column()) != null) {
        Long other = h.createQuery("SELECT id FROM " + def.table() + " WHERE " + f.column() + " = :v")
            .bind("v", row.get(f.column())).mapTo(Long.class).findFirst().orElse(null);
        if (other != null && other != selfId) {
          throw ApiException.badField(f.name(), f.name() + ": " + def.name() + " with " + f.name() + " '"
              + row.get(f.column()) + "' already exists");
        }
      }
    }
  }

  // --- filters

  private Records.Where where(Handle h, Context ctx) {
    StringBuilder sql = new StringBuilder();
    List<Object> args = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      String name = e.getKey();
      if (PAGING.contains(name)) {
        continue;
      }
      String value = e.getValue().isEmpty() ? "" : e.getValue().get(0);
      String fieldName = name.contains("__") ? name.substring(0, name.indexOf("__")) : name;
      String lookup = name.contains("__") ? name.substring(name.indexOf("__") + 2) : null;
      if (!def.filters().contains(fieldName) && !fieldName.equals("id")) {
        throw ApiException.badField(name, name + ": " + def.name() + " cannot be filtered by '" + fieldName
            + "'; filters: " + String.join(", ", def.filters()));
      }
      Field f = fieldName.equals("id") ? Field.integer("id", "id", null, "") : def.field(fieldName).orElseThrow();
      sql.append(sql.length() == 0 ? " WHERE " : " AND ");
      if (f.kind() == Field.Kind.RELATED && lookup != null) {
        ResourceDef other = registry.def(f.related());
        if (!lookup.equals("name") && !lookup.equals("id") || lookup.equals("name") && other.field("name").isEmpty()) {
          throw ApiException.badField(name, name + ": only " + fieldName + "__name and " + fieldName + "__id filter by a related field");
        }
        sql.append(f.column()).append(" IN (SELECT id FROM ").append(other.table()).append(" WHERE ")
            .append(lookup).append(" = ?)");
        args.add(lookup.equals("id") ? parseLong(name, value) : value);
      } else if (lookup != null) {
        throw ApiException.badField(name, name + ": unsupported lookup '" + lookup + "'");
      } else if (f.kind() == Field.Kind.RELATED) {
        sql.append(f.column()).append(" = ?");
        args.add(related(h, f, Json.MAPPER.getNodeFactory().textNode(value)));
      } else if (f.kind() == Field.Kind.RELATED_MANY) {
        Registry.Join j = registry.join(def.name(), f.name());
        sql.append("id IN (SELECT ").append(j.ownColumn()).append(" FROM ").append(j.table()).append(" WHERE ")
            .append(j.otherColumn()).append(" = ?)");
        args.add(related(h, f, Json.MAPPER.getNodeFactory().textNode(value)));
      } else {
        sql.append(f.column()).append(" = ?");
        args.add(switch (f.kind()) {
          case INT -> parseLong(name, value);
          case BOOL -> parseBool(name, value);
          default -> value;
        });
      }
    }
    return new Records.Where(sql.toString(), args);
  }

  // --- rendering

  /** The JSON object for a stored row. */
  public Map<String, Object> render(Handle h, Map<String, Object> row, RenderContext rc) {
    Map<String, Object> out = new LinkedHashMap<>();
    long id = ((Number) row.get("id")).longValue();
    out.put("id", id);
    for (Field f : def.fields()) {
      if (f.kind() == Field.Kind.COMPUTED || f.kind() == Field.Kind.RELATED_MANY || f.kind() == Field.Kind.VIRTUAL) {
        continue;
      }
      Object v = row.get(f.column());
      out.put(f.name(), switch (f.kind()) {
        case TIME -> time(v);
        case YAML_MAP -> YamlValues.show(v);
        case YAML_LIST -> YamlValues.loadList(v);
        case RELATED -> v == null ? null : uriOf(h, f.related(), ((Number) v).longValue(), rc);
        case INT -> v == null ? null : ((Number) v).intValue();
        default -> v;
      });
    }
    for (Field f : def.fields()) {
      if (f.kind() == Field.Kind.RELATED_MANY) {
        Registry.Join j = registry.join(def.name(), f.name());
        List<Long> ids = joined(h, f, List.of(id), rc).getOrDefault(id, List.of());
        List<String> uris = new ArrayList<>();
        for (Long o : ids) {
          uris.add(uriOf(h, f.related(), o, rc));
        }
        out.put(f.name(), uris);
      }
    }
    out.put("resource_uri", def.uri(def.key().equals("id") ? id : row.get(def.key())));
    def.hooks().decorate(h, row, out, rc);
    return out;
  }

  /**
   * Writes the JSON object of a stored row straight to {@code g}: the same bytes as {@link #render} then
   * Jackson, without building the object as maps first (a list of 1,000 swarms spent a quarter of its time
   * writing nested maps). The field names are encoded once per resource.
   */
  private void write(JsonGenerator g, Handle h, Map<String, Object> row, RenderContext rc) throws IOException {
    g.writeStartObject();
    long id = ((Number) row.get("id")).longValue();
    g.writeFieldName(ID);
    g.writeNumber(id);
    for (int i = 0; i < shown.size(); i++) {
      Field f = shown.get(i);
      g.writeFieldName(shownNames.get(i));
      Object v = row.get(f.column());
      switch (f.kind()) {
        case TIME -> g.writeString(time(v));
        case YAML_MAP -> g.writeString(YamlValues.show(v));
        case YAML_LIST -> value(g, YamlValues.loadList(v));
        case RELATED -> g.writeString(v == null ? null : uriOf(h, f.related(), ((Number) v).longValue(), rc));
        case INT -> {
          if (v == null) {
            g.writeNull();
          } else {
            g.writeNumber(((Number) v).intValue());
          }
        }
        default -> value(g, v);
      }
    }
    for (int i = 0; i < many.size(); i++) {
      Field f = many.get(i);
      g.writeFieldName(manyNames.get(i));
      g.writeStartArray();
      for (Long o : joined(h, f, List.of(id), rc).getOrDefault(id, List.of())) {
        g.writeString(uriOf(h, f.related(), o, rc));
      }
      g.writeEndArray();
    }
    g.writeFieldName(RESOURCE_URI);
    g.writeString(def.uri(def.key().equals("id") ? id : row.get(def.key())));
    Map<String, Object> computed = new LinkedHashMap<>();
    def.hooks().decorate(h, row, computed, rc);
    for (Map.Entry<String, Object> e : computed.entrySet()) {
      if (generic.contains(e.getKey())) {
        throw new IllegalStateException(def.name() + ": decorate replaced the generic field " + e.getKey());
      }
      g.writeFieldName(e.getKey());
      value(g, e.getValue());
    }
    g.writeEndObject();
  }

  /** A value as Jackson's mapper writes it; the common scalars without its serializer lookup. */
  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Integer n) {
      g.writeNumber(n);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      VALUES.writeValue(g, v);
    }
  }

  /** Loads the join rows of every many-valued field for a whole page at once. */
  private void prefetchMany(Handle h, List<Map<String, Object>> rows, RenderContext rc) {
    List<Long> ids = new ArrayList<>(rows.size());
    rows.forEach(r -> ids.add(((Number) r.get("id")).longValue()));
    for (Field f : def.fields()) {
      if (f.kind() == Field.Kind.RELATED_MANY) {
        joined(h, f, ids, rc);
      }
    }
  }

  /**
   * Own id → related ids of a many-valued field (ordered by the related name), kept for the whole response:
   * the page's prefetch loads every id at once, so each object's lookup is a map read.
   */
  public Map<Long, List<Long>> joined(Handle h, Field f, List<Long> ids, RenderContext rc) {
    Registry.Join j = registry.join(def.name(), f.name());
    Map<Long, List<Long>> known = rc.memo("join:" + j.table(), k -> new java.util.HashMap<>());
    List<Long> missing = ids.stream().filter(i -> !known.containsKey(i)).toList();
    if (!missing.isEmpty()) {
      Map<Long, List<Long>> loaded = Records.joined(h, j.table(), j.ownColumn(), j.otherColumn(),
          registry.def(f.related()).table(), missing);
      for (Long i : missing) {
        known.put(i, loaded.getOrDefault(i, List.of()));
      }
    }
    return known;
  }

  /** The URI of another resource's object by id, with name-keyed tables looked up once per response. */
  public String uriOf(Handle h, String resource, long id, RenderContext rc) {
    ResourceDef other = registry.def(resource);
    if (other.key().equals("id")) {
      return other.uri(id);
    }
    Map<Long, String> names = rc.memo("names:" + other.table(), k -> Records.names(h, other.table()));
    String name = names.get(id);
    return name == null ? null : other.uri(name);
  }

  public static String time(Object v) {
    if (v == null) {
      return null;
    }
    Instant i;
    if (v instanceof OffsetDateTime o) {
      i = o.toInstant();
    } else if (v instanceof Timestamp t) {
      i = t.toInstant();
    } else if (v instanceof java.time.LocalDateTime l) {
      i = l.toInstant(ZoneOffset.UTC);
    } else if (v instanceof Instant in) {
      i = in;
    } else {
      return v.toString();
    }
    return TIME.format(i);
  }

  // --- helpers

  public Map<String, Object> find(Handle h, String key) {
    return Records.byKey(h, def, key)
        .orElseThrow(() -> ApiException.notFound("no " + def.name() + " '" + key + "'"));
  }

  private Object keyOf(Map<String, Object> out) {
    return out.get(def.key());
  }

  private static String page(Context ctx, int limit, int offset) {
    StringBuilder q = new StringBuilder(ctx.path()).append("?limit=").append(limit).append("&offset=").append(offset);
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (!e.getKey().equals("limit") && !e.getKey().equals("offset")) {
        for (String v : e.getValue()) {
          q.append('&').append(java.net.URLEncoder.encode(e.getKey(), java.nio.charset.StandardCharsets.UTF_8))
              .append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    return q.toString();
  }

  private static int intParam(Context ctx, String name, int dflt) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badField(name, name + ": must be an integer");
    }
  }

  private static long parseLong(String name, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badField(name, name + ": must be an integer");
    }
  }

  private static boolean parseBool(String name, String v) {
    return switch (v.toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw ApiException.badField(name, name + ": must be true or false");
    };
  }
}
