package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Progress;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.common.testing.Daemons;
import vr.common.testing.FileServer;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;

/** The Debian minbase stack (debootstrap, cached): a real program serving HTTP, and an interactive bash. */
class DebianStackIT {
  @TempDir static Path served;
  static FileServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void serve() throws Exception {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Files.createSymbolicLink(served.resolve("debian.tar.gz"), Stacks.debianImage());
    server = new FileServer(served);
  }

  @AfterAll
  static void stopServing() {
    if (server != null) {
      server.close();
    }
  }

  Path procYaml(String cmd, int port) throws Exception {
    Path y = tmp.resolve("proc.yaml");
    Files.writeString(y, "app_name: deb\nversion: v1\nconfig_name: t\nrelease_hash: 0123abcd\nproc_name: web\n"
        + "port: " + port + "\nuser: nobody\ngroup: nogroup\nimage_name: debian\nimage_url: "
        + server.url("debian.tar.gz") + "\ncmd: " + cmd + "\n");
    return y;
  }

  @Test
  void aPerlHttpServerOnTheDebianStackAnswersOnItsPort() throws Exception {
    int port = Daemons.freePort();
    String perl = "perl -MIO::Socket::INET -e '$|=1; my $s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1\","
        + " LocalPort => $ENV{PORT}, Listen => 5, ReuseAddr => 1) or die \"listen: $!\"; print \"listening\\n\";"
        + " while (my $c = $s->accept) { <$c>; print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nhello from debian \","
        + " `cat /etc/debian_version`; close $c }'";
    Path yaml = procYaml("\"" + perl.replace("\\", "\\\\").replace("\"", "\\\"") + "\"", port);
    Runner runner = new Runner(new VrPaths(tmp.resolve("apps")), Lxc.host(), Progress.NONE, Map.of());
    ProcPlan plan = ProcPlan.check(ProcData.load(yaml), runner.paths(), ProcPlan.Where.NOWHERE);
    runner.setup(plan, ProcPlan.Where.NOWHERE, Extras.NONE);
    Process p = runner.start(plan, Extras.NONE, new ProcessBuilder().redirectErrorStream(true));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
      assertThat(out.readLine()).isEqualTo("listening");
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("hello from debian 12.");
    } finally {
      p.toHandle().destroy();
      p.waitFor(20, TimeUnit.SECONDS);
      runner.stop(plan);
    }
  }

  @Test
  void shellIsBashOnATerminalWithTheProcsEnvironment() throws Exception {
    Prereqs.command("script", "bsdutils");
    Path yaml = procYaml("'sleep 1'", 5020);
    Path jar = LauncherIT.jar();
    ProcessBuilder setup = new ProcessBuilder(LauncherIT.launcher().toString(), "setup", yaml.toString());
    setup.environment().put("VR_ROOT", tmp.resolve("apps").toString());
    setup.environment().put("VR_RUNNER_JAR", jar.toString());
    assertThat(setup.inheritIO().start().waitFor()).isZero();
    // script(1) gives the shell a real pseudo-terminal, as an operator's ssh session would.
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", LauncherIT.launcher() + " shell " + yaml, "/dev/null")
        .redirectErrorStream(true);
    pb.environment().put("VR_ROOT", tmp.resolve("apps").toString());
    pb.environment().put("VR_RUNNER_JAR", jar.toString());
    pb.environment().put("TERM", "dumb");
    Process p = pb.start();
    p.getOutputStream().write("echo \"in-$0-port=$PORT-uid=$(id -u)-$(test -t 0 && echo tty)\"; exit 3\n".getBytes());
    p.getOutputStream().flush();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("in-/bin/bash-port=5020-uid=65534-tty");
    assertThat(p.exitValue()).isEqualTo(3);
  }
}
