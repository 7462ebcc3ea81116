package vr.server.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Column helpers shared by the auth stores: instants are stored as UTC {@code TIMESTAMP WITH TIME ZONE}. */
final class Rows {
  /** The SQLState both H2 and PostgreSQL give a unique-constraint violation. */
  static final String UNIQUE_VIOLATION = "23505";

  private Rows() {}

  static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static User user(ResultSet rs) throws SQLException {
    return new User(rs.getLong("id"), rs.getString("username"), rs.getString("password_hash"),
        rs.getBoolean("is_admin"), rs.getBoolean("is_active"), instant(rs, "created"), instant(rs, "last_login"));
  }

  /** True when {@code e} or a cause is a unique-constraint violation. */
  static boolean uniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
