package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vr.common.InputException;

class VrPathsTest {
  private final VrPaths paths = new VrPaths(Path.of("/apps"));

  @Test
  void anImageLivesInItsOwnDirectoryUnderImages() {
    assertThat(paths.imageContents("stack.v1")).isEqualTo(Path.of("/apps/images/stack.v1/contents"));
  }

  @Test
  void anImageNameOfDotsOrWithASlashNeverLeavesItsDirectory() {
    for (String bad : new String[] {".", "..", "...", "a/b", "../x", ""}) {
      assertThatThrownBy(() -> paths.image(bad)).as(bad).isInstanceOf(InputException.class).hasMessageStartingWith("image name must");
    }
  }
}
