package vr.server.api.rest;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The SQL of the generic resources, in one place. Table and column names come from the {@link ResourceDef}s
 * (code, never input); every value is a bound parameter.
 */
public final class Records {
  private Records() {}

  /** A WHERE clause with its bound values. */
  public record Where(String sql, List<Object> args) {
    public static Where all() {
      return new Where("", List.of());
    }
  }

  public static List<Map<String, Object>> list(Handle h, ResourceDef def, Where w, int limit, int offset) {
    return rows(h, "SELECT * FROM " + def.table() + w.sql() + " ORDER BY " + def.orderBy()
        + " LIMIT " + limit + " OFFSET " + offset, w.args());
  }

  /**
   * The rows of a query as maps of lower-case column label to {@code getObject}, read from the JDBC result
   * directly: the labels are read once per query, not per row. On a list of 1,000 swarms, Jdbi's generic
   * map mapping was more than half of the server's time.
   */
  public static List<Map<String, Object>> rows(Handle h, String sql, List<Object> args) {
    try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        String[] labels = new String[md.getColumnCount()];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = md.getColumnLabel(i + 1).toLowerCase(Locale.ROOT);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>(labels.length * 2);
          for (int i = 0; i < labels.length; i++) {
            row.put(labels[i], rs.getObject(i + 1));
          }
          out.add(row);
        }
        return out;
      }
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  public static long count(Handle h, ResourceDef def, Where w) {
    Query q = h.createQuery("SELECT COUNT(*) FROM " + def.table() + w.sql());
    bind(q, w.args());
    return q.mapTo(Long.class).one();
  }

  /** The row whose detail key ({@code id} or {@code name}) is {@code key}. */
  public static Optional<Map<String, Object>> byKey(Handle h, ResourceDef def, String key) {
    Object k = key;
    if (def.key().equals("id")) {
      try {
        k = Long.parseLong(key);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return h.createQuery("SELECT * FROM " + def.table() + " WHERE " + def.key() + " = :k").bind("k", k)
        .mapToMap().findFirst();
  }

  public static Optional<Map<String, Object>> byId(Handle h, String table, long id) {
    return h.createQuery("SELECT * FROM " + table + " WHERE id = :id").bind("id", id).mapToMap().findFirst();
  }

  public static long insert(Handle h, String table, Map<String, Object> row) {
    StringJoiner cols = new StringJoiner(", ");
    StringJoiner vals = new StringJoiner(", ");
    for (String c : row.keySet()) {
      cols.add(c);
      vals.add(":" + c);
    }
    var u = h.createUpdate("INSERT INTO " + table + " (" + cols + ") VALUES (" + vals + ")");
    row.forEach(u::bind);
    return u.executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public static void update(Handle h, String table, long id, Map<String, Object> changes) {
    if (changes.isEmpty()) {
      return;
    }
    StringJoiner set = new StringJoiner(", ");
    for (String c : changes.keySet()) {
      set.add(c + " = :" + c);
    }
    var u = h.createUpdate("UPDATE " + table + " SET " + set + " WHERE id = :vr_id").bind("vr_id", id);
    changes.forEach(u::bind);
    u.execute();
  }

  public static void delete(Handle h, String table, long id) {
    h.createUpdate("DELETE FROM " + table + " WHERE id = :id").bind("id", id).execute();
  }

  /** Every (id → name) of a name-keyed table, for rendering URIs of related objects without a query each. */
  public static Map<Long, String> names(Handle h, String table) {
    Map<Long, String> m = new HashMap<>();
    rows(h, "SELECT id, name FROM " + table, List.of())
        .forEach(r -> m.put(((Number) r.get("id")).longValue(), (String) r.get("name")));
    return m;
  }

  public static Optional<Long> idByName(Handle h, String table, String name) {
    return h.createQuery("SELECT id FROM " + table + " WHERE name = :n").bind("n", name).mapTo(Long.class).findFirst();
  }

  public static boolean exists(Handle h, String table, long id) {
    return h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE id = :id").bind("id", id).mapTo(Long.class).one() > 0;
  }

  /**
   * The ids on the other side of a join table, for many rows at once: own id → other ids, ordered by the
   * other table's name (ingredients merge in name order, as the original's default ordering did).
   */
  public static Map<Long, List<Long>> joined(Handle h, String joinTable, String ownCol, String otherCol,
      String otherTable, List<Long> ownIds) {
    Map<Long, List<Long>> m = new LinkedHashMap<>();
    if (ownIds.isEmpty()) {
      return m;
    }
    // Many ids: one range scan filtered here (a long IN list is evaluated row by row by H2, 1000 × 1000).
    Where w = idsWhere("j." + ownCol, ownIds);
    String sql = "SELECT j." + ownCol + " AS own, j." + otherCol + " AS other FROM " + joinTable + " j JOIN "
        + otherTable + " o ON o.id = j." + otherCol + w.sql() + " ORDER BY o.name";
    java.util.Set<Long> wanted = new java.util.HashSet<>(ownIds);
    rows(h, sql, w.args()).forEach(r -> {
      long own = ((Number) r.get("own")).longValue();
      if (wanted.contains(own)) {
        m.computeIfAbsent(own, k -> new ArrayList<>()).add(((Number) r.get("other")).longValue());
      }
    });
    return m;
  }

  /** Rows of {@code table} with the given ids, in one query (a range scan filtered here when there are many). */
  public static List<Map<String, Object>> byIds(Handle h, String table, List<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Where w = idsWhere("id", ids);
    java.util.Set<Long> wanted = new java.util.HashSet<>(ids);
    return rows(h, "SELECT * FROM " + table + w.sql(), w.args()).stream().filter(r -> wanted.contains(((Number) r.get("id")).longValue())).toList();
  }

  /** {@code WHERE col IN (...)} for a few ids, {@code WHERE col BETWEEN min AND max} for many (filter after). */
  private static Where idsWhere(String col, List<Long> ids) {
    if (ids.size() > 32) {
      long min = ids.stream().mapToLong(Long::longValue).min().orElseThrow();
      long max = ids.stream().mapToLong(Long::longValue).max().orElseThrow();
      return new Where(" WHERE " + col + " BETWEEN ? AND ?", List.of(min, max));
    }
    StringJoiner in = new StringJoiner(", ");
    ids.forEach(i -> in.add("?"));
    return new Where(" WHERE " + col + " IN (" + in + ")", new ArrayList<>(ids));
  }

  private static void bind(Query q, List<Object> args) {
    for (int i = 0; i < args.size(); i++) {
      q.bind(i, args.get(i));
    }
  }
}
