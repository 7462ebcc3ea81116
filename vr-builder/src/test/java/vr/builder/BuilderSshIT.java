package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.builder.cli.VbuildCommand;
import vr.common.testing.Prereqs;
import vr.common.testing.SshDaemon;
import vr.common.yaml.Yaml;

/**
 * vbuild with its app and buildpack fetched over SSH from a real sshd on loopback serving bare repositories,
 * the key, known_hosts and ssh config given through vbuild's environment variables (the real {@code ~/.ssh}
 * is never read); the build script runs on the host ({@link HostBuildContainer}) as in {@link BuilderHostIT}.
 */
class BuilderSshIT {
  @TempDir Path tmp;
  SshDaemon sshd;
  Path home;
  Path out;
  Path app;
  Path pack;
  Path sshConfig;

  @BeforeEach
  void setUp() throws Exception {
    Prereqs.root();
    Prereqs.command("git", "git");
    Prereqs.command("setpriv", "util-linux");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    home = Files.createDirectory(tmp.resolve("home"));
    out = Files.createDirectory(tmp.resolve("out"));
    sshd = SshDaemon.start(tmp.resolve("sshd"));
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path appWork = Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), work.resolve("shellapp"));
    Fixtures.tagGit(appWork, "v1");
    app = bare(appWork, tmp.resolve("srv/shellapp.git"));
    pack = bare(Fixtures.buildpack("shellpack", work), tmp.resolve("srv/shellpack.git"));
    sshConfig = tmp.resolve("ssh_config");
    Fixtures.write(sshConfig, "Host buildpacks\n  HostName 127.0.0.1\n  Port " + sshd.port() + "\n  User root\n");
  }

  @AfterEach
  void tearDown() {
    if (sshd != null) {
      sshd.close();
    }
  }

  static Path bare(Path work, Path dest) {
    Fixtures.run(work, "git", "clone", "-q", "--bare", work.toString(), dest.toString());
    return dest;
  }

  record Run(int code, String out, String err) {}

  Run build(Path knownHosts) {
    Map<String, String> env = Map.of("VR_GIT_SSH_KEY", sshd.clientKey().toString(),
        "VR_GIT_KNOWN_HOSTS", knownHosts.toString(), "VR_GIT_SSH_CONFIG", sshConfig.toString());
    String appUrl = "ssh://root@127.0.0.1:" + sshd.port() + app;
    String packUrl = "buildpacks:" + pack; // scp-style: the alias in the ssh config gives address, port and user
    Path yaml = tmp.resolve("app.yaml");
    Fixtures.write(yaml, "app_name: shellapp\napp_repo_type: git\napp_repo_url: " + appUrl + "\nversion: v1\n"
        + "buildpack_url: " + packUrl + "\nimage_url: http://127.0.0.1:1/unused.tar.gz\n");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    VbuildCommand cmd = new VbuildCommand(HostBuildContainer::new, () -> 0, () -> new BuilderHome(home), env);
    int code = VbuildCommand.run(cmd, new PrintWriter(o, true), new PrintWriter(e, true),
        "--config", tmp.resolve("no-vbuild.yaml").toString(), "build", "-o", out.toString(), yaml.toString());
    return new Run(code, o.toString(), e.toString());
  }

  @Test
  void buildsAnAppAndABuildpackFetchedOverSsh() throws IOException {
    Run r = build(sshd.knownHosts());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("-----> Fetching ssh://root@127.0.0.1:" + sshd.port() + app)
        .contains("-----> Fetching buildpack buildpacks:" + pack).contains("shellpack: compiling v1");
    assertThat(BuilderHostIT.tarball(out.resolve("build.tar.gz"))).containsEntry("compiled.txt", "compiled by shellpack 1\n");
    String appRev = Fixtures.run(app, "git", "rev-parse", "v1^{commit}").strip();
    assertThat(Yaml.load(out.resolve("build_result.yaml")).string("app_revision")).isEqualTo(appRev);
  }

  @Test
  void anUnknownHostKeyFailsTheBuildWithOneLineAndExit1() {
    Run r = build(sshd.emptyKnownHosts());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .startsWith("vbuild: error: cannot fetch git repository ssh://root@127.0.0.1:" + sshd.port() + app
            + ": host key of [127.0.0.1]:" + sshd.port() + " is unknown: the server offered ssh-ed25519 SHA256:");
    assertThat(out.toFile().list()).isEmpty();
    assertThat(Fixtures.read(sshd.emptyKnownHosts())).as("nothing learned").isEmpty();
  }
}
