package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

class StackTest {
  @TempDir Path tmp;

  @Test
  void theEnvironmentWinsOverTheConfigFile() {
    Path config = tmp.resolve("vbuild.yaml");
    Fixtures.write(config, "image_url: /images/from_file.tar.gz\n");
    Stack s = Stack.defaults(Map.of("VBUILD_DEFAULT_IMAGE_URL", "/images/busybox_2.tar.gz"), config);
    assertThat(s).isEqualTo(new Stack("/images/busybox_2.tar.gz", "busybox_2", null));
  }

  @Test
  void theConfigFileNamesTheDefaultStack() {
    Path config = tmp.resolve("vbuild.yaml");
    Fixtures.write(config, "image_url: /images/deb.tar.xz\nimage_name: debian_12\n");
    assertThat(Stack.defaults(Map.of(), config)).isEqualTo(new Stack("/images/deb.tar.xz", "debian_12", null));
  }

  @Test
  void noDefaultWithoutEitherSetting() {
    assertThat(Stack.defaults(Map.of(), tmp.resolve("missing.yaml"))).isNull();
  }

  @Test
  void aBadMd5InTheConfigIsAnInputErrorWithItsLine() {
    Path config = tmp.resolve("vbuild.yaml");
    Fixtures.write(config, "image_url: /i.tar.gz\nimage_md5: nope\n");
    assertThatThrownBy(() -> Stack.defaults(Map.of(), config)).isInstanceOf(InputException.class)
        .hasMessage("vbuild.yaml line 2: image_md5 must be 32 hex digits");
  }
}
