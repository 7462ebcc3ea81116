package vr.common.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SudoCommandTest {
  static SshTarget target(String user, String password) {
    return new SshTarget("lb1", 22, user, password, null, Path.of("kh"), false, null);
  }

  @Test
  void rootRunsTheScriptDirectly() {
    assertThat(SshConnection.rootCommand(target("root", null), "nginx -t")).isEqualTo("sh -c 'nginx -t'");
  }

  @Test
  void otherUsersGoThroughSudoReadingThePasswordFromStdinWithoutCachedCredentials() {
    assertThat(SshConnection.rootCommand(target("deploy", "pw"), "echo 'hi'")).isEqualTo("sudo -k -S -p '' sh -c 'echo '\\''hi'\\'''");
    assertThat(SshConnection.rootCommand(target("deploy", null), "true")).isEqualTo("sudo -n sh -c 'true'");
  }

  @Test
  void labelsOmitTheDefaultPort() {
    assertThat(target("root", null).label()).isEqualTo("lb1");
    assertThat(new SshTarget("lb1", 2222, "root", null, null, null, false, null).label()).isEqualTo("lb1:2222");
  }
}
