package vr.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

/** The job settings of the server's settings file: defaults, what each key sets, and bad input named by key. */
class JobSettingsTest {
  @TempDir Path dir;

  ServerSettings load(String yaml) throws Exception {
    Path f = dir.resolve("settings.yaml");
    Files.writeString(f, yaml);
    return ServerSettings.load(f, Map.of("HOME", dir.toString()));
  }

  @Test
  void defaultsRunTheHourlyUptestsAndTheLockExpiry() throws Exception {
    JobSettings j = load("PORT: 8001\n").jobs();
    assertThat(j.heartbeat()).isEqualTo(Duration.ofSeconds(30));
    assertThat(j.schedules()).containsOnly(Map.entry("uptest_all_procs", Duration.ofHours(1)),
        Map.entry("port_lock_expiry", Duration.ofMinutes(10)));
    assertThat(j.portLockMaxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(j.hostSetups()).isEmpty();
    assertThat(j.hostDeadline()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void eachKeySetsItsValueAndZeroTurnsAScheduleOff() throws Exception {
    JobSettings j = load("JOB_HEARTBEAT: 3\nHOST_DEADLINE: 20\nPORT_LOCK_MAX_AGE: 60\n"
        + "SCHEDULES: {uptest_all_procs: 0, port_lock_expiry: 30}\n"
        + "HOST_SETUP: {h1: {SSH: root@h1, SUPERVISOR_SOCKET: /s.sock, ROOT: /apps, VRUN: /bin/vrun, INCLUDE_DIR: /conf.d}}\n").jobs();
    assertThat(j.heartbeat()).isEqualTo(Duration.ofSeconds(3));
    assertThat(j.hostDeadline()).isEqualTo(Duration.ofSeconds(20));
    assertThat(j.portLockMaxAge()).isEqualTo(Duration.ofMinutes(1));
    assertThat(j.schedules()).containsOnly(Map.entry("port_lock_expiry", Duration.ofSeconds(30)));
    assertThat(j.hostSetups()).containsOnly(Map.entry("h1",
        new JobSettings.HostSetupSetting("root@h1", "/s.sock", "/apps", "/bin/vrun", "/conf.d")));
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("SCHEDULES: {scoop: 60}\n")).isInstanceOf(InputException.class)
        .hasMessageContaining("SCHEDULES").hasMessageContaining("unknown job 'scoop'");
    assertThatThrownBy(() -> load("JOB_HEARTBEAT: 0\n")).isInstanceOf(InputException.class)
        .hasMessageContaining("JOB_HEARTBEAT").hasMessageContaining("at least 1");
    assertThatThrownBy(() -> load("HOST_SETUP: {h1: {SSH: root@h1}}\n")).isInstanceOf(InputException.class)
        .hasMessageContaining("HOST_SETUP").hasMessageContaining("host h1: must be a map of exactly");
  }
}
