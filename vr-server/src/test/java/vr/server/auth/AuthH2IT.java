package vr.server.auth;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import vr.server.store.Database;

/** {@link AuthItBase} on the default database: an H2 file in a data directory. */
class AuthH2IT extends AuthItBase {
  @TempDir static Path dataDir;

  @Override
  Database openDatabase() {
    return Database.open(Database.h2Url(dataDir), null, null);
  }

  @Override
  List<String> databaseOptions() {
    return List.of("--data-dir", dataDir.toString());
  }
}
