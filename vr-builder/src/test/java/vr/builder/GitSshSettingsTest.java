package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.repo.GitSsh;

/** Where vbuild takes its git SSH key, known_hosts and ssh config from. */
class GitSshSettingsTest {
  @TempDir Path tmp;
  Path key;
  Path known;
  Path sshConfig;
  Path config;

  @BeforeEach
  void files() {
    key = tmp.resolve("deploy_key");
    known = tmp.resolve("known_hosts");
    sshConfig = tmp.resolve("ssh_config");
    for (Path p : List.of(key, known, sshConfig)) {
      Fixtures.write(p, "x\n");
    }
    config = tmp.resolve("vbuild.yaml");
  }

  @Test
  void withoutSettingsEverythingComesFromTheUsersSshDirectory() {
    GitSsh s = GitSshSettings.of(Map.of(), tmp.resolve("missing.yaml"));
    Path dir = Path.of(System.getProperty("user.home"), ".ssh");
    assertThat(s).isEqualTo(new GitSsh(dir, null, List.of(dir.resolve("known_hosts"), GitSsh.GLOBAL_KNOWN_HOSTS),
        dir.resolve("config")));
    assertThat(s.identities()).containsExactly(dir.resolve("id_ed25519"), dir.resolve("id_ecdsa"), dir.resolve("id_rsa"));
  }

  @Test
  void theSettingsFileNamesKeyKnownHostsAndConfig() {
    Fixtures.write(config, "image_url: /i.tar.gz\ngit_ssh_key: " + key + "\ngit_known_hosts: " + known
        + "\ngit_ssh_config: " + sshConfig + "\n");
    GitSsh s = GitSshSettings.of(Map.of(), config);
    assertThat(s.key()).isEqualTo(key);
    assertThat(s.identities()).containsExactly(key);
    assertThat(s.knownHosts()).containsExactly(known);
    assertThat(s.config()).isEqualTo(sshConfig);
  }

  @Test
  void theEnvironmentWinsKeyByKey() {
    Path other = tmp.resolve("other_key");
    Fixtures.write(other, "x\n");
    Fixtures.write(config, "git_ssh_key: " + key + "\ngit_known_hosts: " + known + "\n");
    GitSsh s = GitSshSettings.of(Map.of("VR_GIT_SSH_KEY", other.toString()), config);
    assertThat(s.key()).isEqualTo(other);
    assertThat(s.knownHosts()).containsExactly(known);
  }

  @Test
  void aMissingFileInTheEnvironmentIsAnInputErrorNamingTheVariable() {
    assertThatThrownBy(() -> GitSshSettings.of(Map.of("VR_GIT_KNOWN_HOSTS", tmp + "/nope"), config))
        .isInstanceOf(InputException.class).hasMessage("VR_GIT_KNOWN_HOSTS names " + tmp + "/nope, which is not a file");
  }

  @Test
  void aRelativePathInTheSettingsFileIsAnInputErrorWithItsLine() {
    Fixtures.write(config, "image_url: /i.tar.gz\ngit_ssh_key: keys/deploy\n");
    assertThatThrownBy(() -> GitSshSettings.of(Map.of(), config)).isInstanceOf(InputException.class)
        .hasMessage("vbuild.yaml line 2: git_ssh_key must be an absolute path, not 'keys/deploy'");
  }
}
