package vr.imager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

class ImageJobTest {
  @TempDir Path dir;

  Path yaml(String text) throws IOException {
    Path f = dir.resolve("stack/image.yaml");
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  void files(String... names) throws IOException {
    for (String n : names) {
      Path p = dir.resolve(n);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
    }
  }

  @Test
  void relativePathsAreRelativeToTheImageYamlsDirectory() throws IOException {
    files("stack/provision.sh", "bases/busybox.tar.gz");
    ImageJob j = ImageJob.load(yaml("""
        base_image_url: ../bases/busybox.tar.gz
        base_image_name: busybox
        new_image_name: mystack
        script_url: provision.sh
        """));
    assertThat(j.baseSource()).isEqualTo(dir.resolve("bases/busybox.tar.gz").toString());
    assertThat(j.scriptSource()).isEqualTo(dir.resolve("stack/provision.sh").toString());
    assertThat(j.scriptName()).isEqualTo("provision.sh");
    assertThat(j.baseTarballName()).isEqualTo("busybox.tar.gz");
  }

  @Test
  void urlsAndFileUrlsPassThrough() throws IOException {
    files("bases/deb.tar.bz2");
    ImageJob j = ImageJob.load(yaml("base_image_url: file://" + dir.resolve("bases/deb.tar.bz2") + "\n"
        + "base_image_name: deb\nnew_image_name: s\nscript_url: https://example.org/p/setup.sh?x=1\n"));
    assertThat(j.baseSource()).isEqualTo(dir.resolve("bases/deb.tar.bz2").toString());
    assertThat(j.scriptSource()).isEqualTo("https://example.org/p/setup.sh?x=1");
    assertThat(j.scriptName()).isEqualTo("setup.sh");
  }

  @Test
  void aMissingLocalScriptIsReportedAtItsLine() throws IOException {
    files("stack/base.tar.gz");
    assertThatThrownBy(() -> ImageJob.load(yaml("""
        base_image_url: base.tar.gz
        base_image_name: b
        new_image_name: s
        script_url: nowhere.sh
        """)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("image.yaml line 4: script_url names a missing file");
  }

  @Test
  void aBaseThatIsNotATarballIsRefused() throws IOException {
    files("stack/base.zip", "stack/p.sh");
    assertThatThrownBy(() -> ImageJob.load(yaml("""
        base_image_url: base.zip
        base_image_name: b
        new_image_name: s
        script_url: p.sh
        """)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("image.yaml line 1: base_image_url must name a tarball");
  }

  @Test
  void anUnsupportedSchemeIsRefused() throws IOException {
    files("stack/p.sh");
    assertThatThrownBy(() -> ImageJob.load(yaml("""
        base_image_url: ftp://example.org/base.tar.gz
        base_image_name: b
        new_image_name: s
        script_url: p.sh
        """)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("line 1: base_image_url has an unsupported URL scheme");
  }

  @Test
  void missingKeysAndBadNamesAreInputErrors() throws IOException {
    files("stack/b.tar.gz", "stack/p.sh");
    assertThatThrownBy(() -> ImageJob.load(yaml("base_image_url: b.tar.gz\nbase_image_name: b\nscript_url: p.sh\n")))
        .isInstanceOf(InputException.class).hasMessageContaining("new_image_name");
    assertThatThrownBy(() -> ImageJob.load(yaml(
        "base_image_url: b.tar.gz\nbase_image_name: b\nnew_image_name: ../evil\nscript_url: p.sh\n")))
        .isInstanceOf(InputException.class).hasMessageContaining("line 3: new_image_name");
  }

  @Test
  void anEnvValueWithANewlineIsRefusedBeforeAnythingIsFetched() throws IOException {
    files("stack/provision.sh");
    Path f = yaml("""
        base_image_url: http://127.0.0.1:1/busybox.tar.gz
        base_image_name: busybox
        new_image_name: mystack
        script_url: provision.sh
        env:
          A: "one\\ntwo"
        """);
    assertThatThrownBy(() -> ImageJob.load(f)).isInstanceOf(InputException.class)
        .hasMessage("image.yaml line 5: env value of A must not contain a line break or other control character: 'one\\ntwo'");
  }
}
