package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlugIgnoreTest {
  @TempDir Path tmp;

  Path app(String slugignore) {
    Path app = tmp.resolve("app");
    for (String f : new String[] {"a.psd", "b.txt", "docs/x.pdf", "docs/y.txt", "docs/deep/z.pdf", ".hidden.psd",
        "tests/t1", "keep/tests/t2"}) {
      Fixtures.write(app.resolve(f), f);
    }
    Fixtures.write(app.resolve(".slugignore"), slugignore);
    return app;
  }

  @Test
  void globsAreRelativeToTheAppRootAndMatchOneSegment() {
    Path app = app("*.psd\ndocs/*.pdf\n");
    assertThat(SlugIgnore.apply(app)).isEqualTo(2);
    assertThat(app.resolve("a.psd")).doesNotExist();
    assertThat(app.resolve("docs/x.pdf")).doesNotExist();
    assertThat(app.resolve("docs/deep/z.pdf")).exists();
    assertThat(app.resolve(".hidden.psd")).as("a star does not match dot-files").exists();
    assertThat(app.resolve("b.txt")).exists();
  }

  @Test
  void directoriesGoWithTheirContentsAndOnlyAtTheNamedPlace() {
    Path app = app("# comment\n\ntests/\n");
    SlugIgnore.apply(app);
    assertThat(app.resolve("tests")).doesNotExist();
    assertThat(app.resolve("keep/tests/t2")).exists();
  }

  @Test
  void nothingOutsideTheAppIsTouched() throws Exception {
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "x");
    Path app = app("../outside.txt\n/../*\nlink/*\n");
    Files.createSymbolicLink(app.resolve("link"), tmp);
    SlugIgnore.apply(app);
    assertThat(outside).exists();
    assertThat(tmp.resolve("app")).exists();
  }

  @Test
  void noSlugignoreRemovesNothing() throws Exception {
    Path app = app("");
    Files.delete(app.resolve(".slugignore"));
    assertThat(SlugIgnore.apply(app)).isZero();
  }
}
