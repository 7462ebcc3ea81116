package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcfileTest {
  @TempDir Path tmp;

  @Test
  void linesAreNameColonCommand() {
    assertThat(Procfile.parse("web: gunicorn app:wsgi -b 0.0.0.0:$PORT\n# c\n\nworker:celery worker\n"))
        .containsEntry("web", "gunicorn app:wsgi -b 0.0.0.0:$PORT")
        .containsEntry("worker", "celery worker")
        .hasSize(2);
  }

  @Test
  void commandsYamlWouldMisreadAreKept() {
    assertThat(Procfile.parse("web: 'quoted' && echo a: b\n")).containsEntry("web", "'quoted' && echo a: b");
  }

  @Test
  void aMissingProcOrFileIsEmpty() throws Exception {
    assertThat(Procfile.command(tmp, "web")).isEmpty();
    Files.writeString(tmp.resolve("Procfile"), "worker: x\n");
    assertThat(Procfile.command(tmp, "web")).isEmpty();
    assertThat(Procfile.command(tmp, "worker")).contains("x");
  }
}
