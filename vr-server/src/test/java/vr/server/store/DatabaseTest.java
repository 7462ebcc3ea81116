package vr.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void theSchemaVersionIsTheNewestMigration() throws Exception {
    Pattern v = Pattern.compile("V(\\d+)__.*\\.sql");
    int newest = 0;
    try (Stream<Path> files = Files.list(Path.of(Database.class.getResource("/db/migration").toURI()))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = v.matcher(p.getFileName().toString());
        if (m.matches()) {
          newest = Math.max(newest, Integer.parseInt(m.group(1)));
        }
      }
    }
    assertThat(Database.SCHEMA_VERSION).isEqualTo(Integer.toString(newest));
  }

  @Test
  void aFreshDatabaseIsMigratedAndThenUpToDate() {
    try (Database db = Database.open(Database.h2Url(dir), null, null)) {
      assertThat(Database.upToDate(db.dataSource())).isTrue();
      long swarms = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM swarms").mapTo(Long.class).one());
      assertThat(swarms).isZero();
    }
  }

  @Test
  void reopeningAnUpToDateSchemaDoesNotRunFlyway() {
    try (Database db = Database.open(Database.h2Url(dir), null, null)) {
      // Flyway would refuse this history (checksum mismatch) if it ran
      db.jdbi().useHandle(h -> h.execute("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '1'"));
    }
    try (Database db = Database.open(Database.h2Url(dir), null, null)) {
      assertThat(Database.upToDate(db.dataSource())).isTrue();
    }
  }

  @Test
  void aFailedNewestMigrationIsNotUpToDate() {
    try (Database db = Database.open(Database.h2Url(dir), null, null)) {
      db.jdbi().useHandle(h -> h.execute("UPDATE flyway_schema_history SET success = FALSE WHERE version = '"
          + Database.SCHEMA_VERSION + "'"));
      assertThat(Database.upToDate(db.dataSource())).isFalse();
    }
  }
}
