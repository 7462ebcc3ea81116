package vr.server.jobs;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that hands out the caller's open connection while one is bound to the thread, and the pool's
 * otherwise. db-scheduler writes through a DataSource; bound to the API's transaction, its insert of a job's run
 * commits or rolls back with the {@code jobs} row (what Spring's transaction-aware DataSource does, which
 * db-scheduler's documentation names for scheduling in a transaction). db-scheduler commits only when asked to
 * ({@code commitWhenAutocommitDisabled}, off) and closes what it is given, so the bound connection is lent
 * through a proxy whose {@code close} does nothing.
 */
final class BoundConnections implements DataSource {
  private final DataSource pool;
  private final ThreadLocal<Connection> bound = new ThreadLocal<>();

  BoundConnections(DataSource pool) {
    this.pool = pool;
  }

  /** Runs {@code body} with {@code c} lent to whoever asks this DataSource on this thread. */
  <T> T with(Connection c, Supplier<T> body) {
    Connection before = bound.get();
    bound.set(c);
    try {
      return body.get();
    } finally {
      if (before == null) {
        bound.remove();
      } else {
        bound.set(before);
      }
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = bound.get();
    return c == null ? pool.getConnection() : unclosable(c);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  private static Connection unclosable(Connection c) {
    return (Connection) Proxy.newProxyInstance(BoundConnections.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "close":
              return null;
            case "isClosed":
              return c.isClosed();
            default:
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
          }
        });
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return pool.isWrapperFor(iface);
  }
}
