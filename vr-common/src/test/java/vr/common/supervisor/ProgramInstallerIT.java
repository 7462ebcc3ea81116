package vr.common.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.fs.VrPaths;
import vr.common.model.ProcName;
import vr.common.supervisor.SupervisorFault.Fault;
import vr.common.testing.Daemons;
import vr.common.testing.SupervisorDaemon;

/**
 * Installing and removing a proc's program section in a real supervisord. A script stands in for vrun: it
 * checks it was called as {@code run <proc.yaml>}, starts a background child (to prove the whole group is
 * stopped) and execs a sleep.
 */
class ProgramInstallerIT {
  @TempDir
  static Path tmp;
  static SupervisorDaemon sup;
  static SupervisorClient client;
  static VrPaths vr;
  static Path fakeVrun;

  @BeforeAll
  static void start() throws IOException {
    vr = new VrPaths(tmp.resolve("apps"));
    Files.createDirectories(vr.procs());
    sup = SupervisorDaemon.builder(tmp.resolve("sup")).include(vr.procs() + "/*/proc.conf").start();
    client = SupervisorClient.connect(sup.unixUrl(), sup.username(), sup.password());
    fakeVrun = tmp.resolve("fake-vrun");
    Files.writeString(fakeVrun, "#!/bin/sh\n"
        + "[ \"$1\" = run ] && [ -f \"$2\" ] || { echo \"bad call: $*\"; exit 2; }\n"
        + "echo \"running $2 in $(pwd)\"\n"
        + "sleep \"$(cat \"$(dirname \"$2\")/child-seconds\")\" &\n"
        + "exec sleep 1000\n");
    Files.setPosixFilePermissions(fakeVrun, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void stop() {
    if (sup != null) {
      sup.close();
    }
  }

  /** A proc dir with a proc.yaml, and the unique sleep time its background child will use. */
  private static long layOut(ProcName name) throws IOException {
    Path dir = vr.proc(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("proc.yaml"), "proc_name: " + name.proc() + "\n");
    long seconds = 100_000 + ThreadLocalRandom.current().nextInt(800_000);
    Files.writeString(dir.resolve("child-seconds"), Long.toString(seconds));
    return seconds;
  }

  private static boolean sleepRunning(long seconds) {
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").equals("sleep " + seconds)
        || p.info().arguments().map(a -> a.length == 1 && a[0].equals(Long.toString(seconds))).orElse(false));
  }

  @Test
  void installStartsTheProcAndRemoveStopsTheWholeGroupAndDeletesTheSection() throws IOException {
    ProcName name = ProcName.parse("shop-v7-prod-0f3c9a21-web-5101").orElseThrow();
    long child = layOut(name);
    ProgramInstaller installer = ProgramInstaller.intoIncludeDir(client, sup.includeDir());
    ProgramSection section = ProgramSection.forProc(name, vr.proc(name), fakeVrun.toString());

    Path conf = installer.install(section);

    assertThat(conf).isEqualTo(sup.includeDir().resolve(name.format() + ".conf"));
    assertThat(Files.readString(conf)).isEqualTo(section.render());
    SupervisorClientIT.awaitState(client, name.format(), "RUNNING");
    awaitLog(vr.proc(name).resolve("log"), "running " + vr.proc(name).resolve("proc.yaml") + " in " + vr.proc(name));
    awaitTrue(() -> sleepRunning(child));
    assertThat(sup.includeDir()).isDirectoryNotContaining("glob:**.tmp");

    installer.remove(name);

    assertThat(conf).doesNotExist();
    assertThatThrownBy(() -> client.getProcessInfo(name.format())).isInstanceOfSatisfying(SupervisorFault.class,
        f -> assertThat(f.fault()).isEqualTo(Fault.BAD_NAME));
    awaitTrue(() -> !sleepRunning(child)); // stopasgroup: the background child went too
    installer.remove(name); // quiet when already gone
  }

  @Test
  void reinstallingAChangedSectionRestartsTheProgramWithIt() throws IOException {
    ProcName name = ProcName.parse("shop-v7-prod-0f3c9a21-web-5102").orElseThrow();
    layOut(name);
    ProgramInstaller installer = ProgramInstaller.intoIncludeDir(client, sup.includeDir());
    ProgramSection first = ProgramSection.forProc(name, vr.proc(name), fakeVrun.toString());
    installer.install(first);
    SupervisorClientIT.awaitState(client, name.format(), "RUNNING");
    int pid1 = client.getProcessInfo(name.format()).pid();

    ProgramSection second = new ProgramSection(first.name(), first.vrun(), first.procYaml(), first.directory(),
        first.stdoutLogfile(), 5_000_000, 2, first.startSecs(), first.stopWaitSecs());
    installer.install(second);

    SupervisorClientIT.awaitState(client, name.format(), "RUNNING");
    assertThat(client.getProcessInfo(name.format()).pid()).isNotEqualTo(pid1);
    assertThat(Files.readString(installer.confFile(name.format()))).contains("stdout_logfile_maxbytes=5000000");
    installer.remove(name);
  }

  @Test
  void theOriginalsLayoutPutsTheSectionInTheProcDir() throws IOException {
    ProcName name = ProcName.parse("shop-v7-prod-0f3c9a21-web-5103").orElseThrow();
    layOut(name);
    ProgramInstaller installer = ProgramInstaller.intoProcDirs(client, vr);
    Path conf = installer.install(ProgramSection.forProc(name, vr.proc(name), fakeVrun.toString()));
    assertThat(conf).isEqualTo(vr.proc(name).resolve("proc.conf")).exists();
    SupervisorClientIT.awaitState(client, name.format(), "RUNNING");
    installer.remove(name);
    assertThat(conf).doesNotExist();
  }

  @Test
  void installAgainstADeadSupervisordFailsAndLeavesNoSection() throws IOException {
    ProcName name = ProcName.parse("shop-v7-prod-0f3c9a21-web-5104").orElseThrow();
    layOut(name);
    SupervisorClient dead = SupervisorClient.connect("http://127.0.0.1:" + Daemons.freePort(), "u", "p",
        SupervisorClient.Options.defaults().withRetries(1, Duration.ofMillis(10)));
    ProgramInstaller installer = ProgramInstaller.intoIncludeDir(dead, sup.includeDir());
    assertThatThrownBy(() -> installer.install(ProgramSection.forProc(name, vr.proc(name), fakeVrun.toString())))
        .isInstanceOf(VrException.class).hasMessageContaining("installing " + name.format() + " into supervisor failed")
        .hasMessageContaining("unreachable");
    assertThat(installer.confFile(name.format())).doesNotExist();
  }

  private static void awaitLog(Path log, String text) throws IOException {
    for (int i = 0; i < 200; i++) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Daemons.sleep(50);
    }
    throw new AssertionError(log + " never contained '" + text + "': " + (Files.exists(log) ? Files.readString(log) : "(none)"));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier c) {
    for (int i = 0; i < 200; i++) {
      if (c.getAsBoolean()) {
        return;
      }
      Daemons.sleep(50);
    }
    throw new AssertionError("condition not met within 10 s");
  }
}
