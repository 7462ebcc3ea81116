package vr.common.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vr.common.model.ProcName;

class ProgramSectionTest {

  @Test
  void sectionRunsVrunOnTheProcYamlAndStopsTheWholeGroup() {
    ProcName name = ProcName.parse("shop-v7-prod-0f3c9a21-web-5012").orElseThrow();
    String text = ProgramSection.forProc(name, Path.of("/apps/procs").resolve(name.format()), "/usr/local/bin/vrun").render();
    assertThat(text).startsWith("[program:shop-v7-prod-0f3c9a21-web-5012]\n")
        .contains("\ncommand=/usr/local/bin/vrun run /apps/procs/shop-v7-prod-0f3c9a21-web-5012/proc.yaml\n")
        .contains("\ndirectory=/apps/procs/shop-v7-prod-0f3c9a21-web-5012\n")
        .contains("\nautostart=true\n").contains("\nautorestart=true\n")
        .contains("\nstopasgroup=true\n").contains("\nkillasgroup=true\n").contains("\nstopsignal=TERM\n")
        .contains("\nredirect_stderr=true\n")
        .contains("\nstdout_logfile=/apps/procs/shop-v7-prod-0f3c9a21-web-5012/log\n")
        .contains("\nstdout_logfile_maxbytes=10000000\n").contains("\nstdout_logfile_backups=1\n")
        .doesNotContain("user=");
  }

  @Test
  void pathsThatWouldSplitOrExpandAreQuoted() {
    ProcName name = ProcName.parse("a-1-c-h-web-5000").orElseThrow();
    String text = ProgramSection.forProc(name, Path.of("/my apps/100%/a-1-c-h-web-5000"), "vrun").render();
    assertThat(text).contains("command=vrun run '/my apps/100%%/a-1-c-h-web-5000/proc.yaml'\n")
        .contains("directory=/my apps/100%%/a-1-c-h-web-5000\n");
  }

  @Test
  void refusesNamesAndValuesThatWouldBreakTheIniFile() {
    assertThatThrownBy(() -> new ProgramSection("a]b", "vrun", Path.of("/p"), Path.of("/d"), Path.of("/l"), 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProgramSection("ab", "vrun\nx=1", Path.of("/p"), Path.of("/d"), Path.of("/l"), 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
