package vr.server.jobs;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.PostgresDaemon;

/** The job runner on PostgreSQL: a cluster of its own on a free port, a fresh database per test. */
class JobRunnerPostgresIT extends JobRunnerContract {
  @TempDir static Path dir;
  static PostgresDaemon pg;
  static final AtomicInteger N = new AtomicInteger();

  @BeforeAll
  static void startPostgres() {
    pg = PostgresDaemon.start(dir.resolve("pg"));
  }

  @AfterAll
  static void stopPostgres() {
    pg.close();
  }

  @Override
  String jdbcUrl() {
    return pg.newDatabase("jobs" + N.incrementAndGet());
  }
}
