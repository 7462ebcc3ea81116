package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vr.common.model.Hashing;

class BuilderHomeTest {
  BuilderHome home = new BuilderHome(Path.of("/apps/builder"));

  @Test
  void storesAreNamedByBasenameAndTheMd5OfTheUrlWithoutFragment() {
    String url = "https://git.example.com/team/bp-shell.git";
    assertThat(home.buildpackStore(url + "#v3"))
        .isEqualTo(Path.of("/apps/builder/buildpacks/bp-shell-" + Hashing.md5Hex(url)));
    assertThat(home.appStore("ssh://hg@hg.example.com/app/"))
        .isEqualTo(Path.of("/apps/builder/repo/app-" + Hashing.md5Hex("ssh://hg@hg.example.com/app/")));
  }

  @Test
  void theCacheIsPerAppAndTheLockPerUrl() {
    assertThat(home.cache("node_example", "/srv/x.git"))
        .isEqualTo(Path.of("/apps/builder/cache/node_example-" + Hashing.md5Hex("/srv/x.git")));
    assertThat(home.lock("/srv/x.git#abc")).isEqualTo(home.lock("/srv/x.git"));
  }
}
