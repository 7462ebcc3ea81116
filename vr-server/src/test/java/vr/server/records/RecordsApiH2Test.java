package vr.server.records;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import vr.server.store.Database;

/** The records API on the embedded H2 database (the default). */
class RecordsApiH2Test extends RecordsApiContract {
  @TempDir Path dir;

  @Override
  String jdbcUrl() {
    return Database.h2Url(dir);
  }
}
