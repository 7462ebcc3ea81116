package vr.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's database: an embedded H2 file in the data directory by default, PostgreSQL when a
 * {@code jdbc:postgresql:} URL is configured. Opening migrates the schema (Flyway, {@code db/migration}), so
 * every server process that starts brings the shared schema up to date; Flyway's own lock keeps two
 * processes from migrating at once.
 */
public final class Database implements AutoCloseable {
  /** The version of the newest migration in {@code db/migration} (a test holds the two together). */
  static final String SCHEMA_VERSION = "9";

  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final boolean postgres;

  private Database(HikariDataSource pool, boolean postgres) {
    this.pool = pool;
    this.postgres = postgres;
    this.jdbi = Jdbi.create(pool);
  }

  /** The default: {@code <dataDir>/vr.mv.db}, H2 in PostgreSQL mode. */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("vr")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE";
  }

  /** Opens a pool on {@code url} and migrates the schema. {@code user}/{@code password} may be null. */
  public static Database open(String url, String user, String password) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    if (user != null) {
      c.setUsername(user);
    }
    if (password != null) {
      c.setPassword(password);
    }
    c.setMaximumPoolSize(16);
    c.setMinimumIdle(1);
    c.setPoolName("vr-db");
    c.setConnectionTimeout(10_000);
    HikariDataSource ds = new HikariDataSource(c);
    try {
      if (!upToDate(ds)) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
      }
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds, url.startsWith("jdbc:postgresql:"));
  }

  /**
   * Whether the schema's newest successful migration is {@link #SCHEMA_VERSION}: then Flyway (a fifth of a
   * restart's time, most of it scanning the jar for migrations) is not even loaded. Anything else, a fresh
   * database, a failed or an older migration, goes through Flyway as before.
   */
  static boolean upToDate(DataSource ds) {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank DESC")) {
      return rs.next() && rs.getBoolean(2) && SCHEMA_VERSION.equals(rs.getString(1));
    } catch (SQLException e) {
      return false; // no history table yet
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return pool;
  }

  /** True on PostgreSQL, false on H2 (for the few statements that differ). */
  public boolean postgres() {
    return postgres;
  }

  @Override
  public void close() {
    pool.close();
  }
}
