package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

class BuildDataTest {
  @TempDir Path dir;

  private Path write(String text) throws Exception {
    Path p = dir.resolve("app.yaml");
    Files.writeString(p, text);
    return p;
  }

  static final String BASE = "app_name: demo\napp_repo_url: /srv/demo\napp_repo_type: git\n";

  @Test
  void buildpackUrlWinsOverList() throws Exception {
    BuildData b = BuildData.load(write(BASE + "version: v1\nbuildpack_url: /bp/one\nbuildpack_urls: [/bp/two, /bp/three]\n"));
    assertThat(b.buildpacks()).containsExactly("/bp/one");
  }

  @Test
  void listIsUsedInOrder() throws Exception {
    BuildData b = BuildData.load(write(BASE + "version: v1\nbuildpack_urls: [/bp/two, /bp/three]\n"));
    assertThat(b.buildpacks()).isEqualTo(List.of("/bp/two", "/bp/three"));
  }

  @Test
  void buildNeedsABuildpack() throws Exception {
    Path f = write(BASE + "version: v1\n");
    assertThatThrownBy(() -> BuildData.load(f))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("buildpack_url: a build needs buildpack_url or buildpack_urls");
  }

  @Test
  void floatVersionIsAnInputError() throws Exception {
    Path f = write(BASE + "version: 9.0\nbuildpack_url: /bp\n");
    assertThatThrownBy(() -> BuildData.load(f))
        .isInstanceOf(InputException.class)
        .hasMessage("app.yaml line 4: version must be a string; quote it, e.g. version: '9.0'");
  }

  @Test
  void missingRequiredKeyIsNamed() throws Exception {
    Path f = write("app_name: demo\napp_repo_type: git\nversion: v1\nbuildpack_url: /bp\n");
    assertThatThrownBy(() -> BuildData.load(f)).hasMessage("app.yaml line 1: missing required key app_repo_url");
  }

  @Test
  void resultRoundTrips() throws Exception {
    BuildData b = BuildData.load(write(BASE + "version: 'v1'\nbuildpack_url: /bp#abc\nrelease_data:\n  default_process_types:\n    web: sh web.sh\n"));
    BuildData again = BuildData.load(write(b.toYaml()));
    assertThat(again).isEqualTo(b);
  }

  @Test
  void imageDataNeedsItsKeysAndKeepsEnv() throws Exception {
    Path f = dir.resolve("image.yaml");
    Files.writeString(f, "base_image_url: /img/base.tar.gz\nbase_image_name: base\nnew_image_name: stack1\nscript_url: /s.sh\nenv:\n  A: 1\n");
    ImageData i = ImageData.load(f);
    assertThat(i.env()).containsEntry("A", "1");
    Files.writeString(f, "base_image_url: /img/base.tar.gz\nbase_image_name: base\nscript_url: /s.sh\n");
    assertThatThrownBy(() -> ImageData.load(f)).hasMessage("image.yaml line 1: missing required key new_image_name");
  }

  @Test
  void imageNameOfOnlyDotsIsRefused() throws Exception {
    Path f = write(BASE + "version: v1\nbuildpack_url: /bp/one\nimage_name: '..'\n");
    assertThatThrownBy(() -> BuildData.load(f)).isInstanceOf(InputException.class)
        .hasMessage("app.yaml line 6: image_name must not be only dots, not '..'");
  }
}
