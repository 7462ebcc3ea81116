package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.model.BuildData;
import vr.common.yaml.Yaml;

class BuildInputsTest {
  static final BuildInputs.Image IMAGE = new BuildInputs.Image("busybox_1", "a".repeat(64), "0123456789abcdef0123456789abcdef");

  static BuildData parse(String yaml) {
    return BuildData.from(Yaml.parse(yaml, Path.of("build_job.yaml")));
  }

  @Test
  void theAppsOwnBuildpackGoesAloneWithTheImageBySignedUrl() {
    BuildInputs in = new BuildInputs(3, 1, "web", "https://git.example/web.git", "git", "9.0", 2L,
        "https://git.example/python.git", null, IMAGE);
    BuildData d = parse(in.yaml("http://server:8000/files/aaa/busybox_1.tar.gz?expires=1&sig=x"));

    assertThat(d.version()).as("a tag that looks like a number stays a string").isEqualTo("9.0");
    assertThat(d.buildpacks()).containsExactly("https://git.example/python.git");
    assertThat(d.buildpackUrls()).isNull();
    assertThat(d.imageUrl()).isEqualTo("http://server:8000/files/aaa/busybox_1.tar.gz?expires=1&sig=x");
    assertThat(d.imageName()).isEqualTo("busybox_1");
    assertThat(d.imageMd5()).isEqualTo(IMAGE.md5());
    assertThat(in.title()).isEqualTo("web-9.0");
  }

  @Test
  void withoutABuildpackEveryOneIsOfferedInOrderAndWithoutAnImageNoneIsNamed() {
    BuildInputs in = new BuildInputs(3, 1, "web", "/srv/web", "hg", "v2", null, null,
        List.of("https://git.example/a.git", "https://git.example/b.git#v3"), null);
    String yaml = in.yaml(null);
    BuildData d = parse(yaml);

    assertThat(d.buildpackUrl()).isNull();
    assertThat(d.buildpacks()).containsExactly("https://git.example/a.git", "https://git.example/b.git#v3");
    assertThat(d.appRepoType()).isEqualTo("hg");
    assertThat(yaml).doesNotContain("image_");
  }
}
