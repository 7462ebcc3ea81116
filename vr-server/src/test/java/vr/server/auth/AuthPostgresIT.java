package vr.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.PostgresDaemon;
import vr.server.store.Database;

/** {@link AuthItBase} on a real PostgreSQL (its own cluster on a free port). */
class AuthPostgresIT extends AuthItBase {
  @TempDir static Path dir;
  private PostgresDaemon pg;

  @Override
  Database openDatabase() {
    try {
      // The cluster runs as the postgres user, which must be able to reach it through JUnit's 0700 temp dir.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pg = PostgresDaemon.start(dir.resolve("pg"));
    return Database.open(pg.jdbcUrl(), "vr", null);
  }

  @Override
  List<String> databaseOptions() {
    return List.of("--database-url", pg.jdbcUrl());
  }

  @Override
  void afterDatabaseClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
