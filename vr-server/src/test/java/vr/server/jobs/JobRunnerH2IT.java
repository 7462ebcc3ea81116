package vr.server.jobs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import vr.server.store.Database;

/** The job runner on the embedded H2 database (one server, or two runners in one process). */
class JobRunnerH2IT extends JobRunnerContract {
  @TempDir Path dir;

  @Override
  String jdbcUrl() {
    return Database.h2Url(dir);
  }
}
