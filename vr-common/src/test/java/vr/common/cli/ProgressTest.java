package vr.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void barShowsLabelPercentageAndSizes() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Progress.Bar bar = (Progress.Bar) Progress.bar(new PrintStream(buf, true, StandardCharsets.UTF_8));
    bar.begin("downloading x.tar.gz", 2_000_000);
    bar.advance(500_000);
    assertThat(bar.line()).isEqualTo("downloading x.tar.gz [#######.......................]  25% 0.5 MB/2.0 MB");
    bar.done();
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("\r").endsWith("100% 2.0 MB/2.0 MB\n");
  }

  @Test
  void unknownTotalShowsBytesOnly() {
    Progress.Bar bar = (Progress.Bar) Progress.bar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    bar.begin("packing", -1);
    bar.advance(3_000_000);
    assertThat(bar.line()).isEqualTo("packing 3.0 MB");
  }

  @Test
  void withoutATerminalProgressIsSilent() {
    // tests run without a console (System.console() is null under surefire)
    assertThat(System.console()).isNull();
    assertThat(Progress.auto()).isSameAs(Progress.NONE);
  }
}
