package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vr.common.InputException;
import vr.common.yaml.Yaml;

class ImageDataTest {
  private static final Path F = Path.of("image.yaml");
  private static final String BASE = "base_image_url: http://example.invalid/base.tar.gz\nscript_url: provision.sh\n";

  private static ImageData parse(String text) {
    return ImageData.from(Yaml.parse(text, F));
  }

  @Test
  void readsAPlainImage() {
    ImageData d = parse(BASE + "base_image_name: base\nnew_image_name: stack.v2\nenv: {A: x y, B: 2}\n");
    assertThat(d.newImageName()).isEqualTo("stack.v2");
    assertThat(d.env()).containsEntry("A", "x y").containsEntry("B", "2");
  }

  @Test
  void baseImageNameOfTwoDotsIsRefused() {
    assertThatThrownBy(() -> parse(BASE + "base_image_name: '..'\nnew_image_name: s\n")).isInstanceOf(InputException.class)
        .hasMessage("image.yaml line 3: base_image_name must not be only dots, not '..'");
  }

  @Test
  void newImageNameOfOneDotIsRefused() {
    assertThatThrownBy(() -> parse(BASE + "base_image_name: b\nnew_image_name: .\n"))
        .hasMessage("image.yaml line 4: new_image_name must not be only dots, not '.'");
  }

  @Test
  void aHugeImageNameIsRefusedWithoutRepeatingIt() {
    String huge = "n".repeat(100_000);
    assertThatThrownBy(() -> parse(BASE + "base_image_name: b\nnew_image_name: " + huge + "\n"))
        .hasMessage("image.yaml line 4: new_image_name is 100000 bytes long; a file name may have at most 255, not '"
            + "n".repeat(60) + "…' (100000 chars)");
  }

  @Test
  void anEnvValueWithANewlineIsRefusedWhenImageYamlLoads() {
    assertThatThrownBy(() -> parse(BASE + "base_image_name: b\nnew_image_name: s\nenv:\n  A: \"x\\nlxc.mount.entry = / x\"\n"))
        .isInstanceOf(InputException.class)
        .hasMessage("image.yaml line 5: env value of A must not contain a line break or other control character:"
            + " 'x\\nlxc.mount.entry = / x'");
  }

  @Test
  void anEnvKeyWithANewlineIsRefused() {
    assertThatThrownBy(() -> parse(BASE + "base_image_name: b\nnew_image_name: s\nenv: {\"A\\nB\": x}\n"))
        .hasMessage("image.yaml line 5: env has a bad variable name 'A\\nB'");
  }

  @Test
  void aScriptUrlWithAControlCharacterIsRefused() {
    assertThatThrownBy(() -> parse("base_image_url: http://example.invalid/base.tar.gz\nscript_url: \"p.sh\\r\"\n"
        + "base_image_name: b\nnew_image_name: s\n"))
        .hasMessage("image.yaml line 2: script_url must not contain a line break or other control character: 'p.sh\\r'");
  }

  @Test
  void anEnvValueWithATabIsKept() {
    assertThat(parse(BASE + "base_image_name: b\nnew_image_name: s\nenv: {A: \"x\\ty\"}\n").env()).containsEntry("A", "x\ty");
  }
}
