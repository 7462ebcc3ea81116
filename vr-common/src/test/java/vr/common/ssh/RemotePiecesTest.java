package vr.common.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.InputException;
import vr.common.VrException;

/** The pure pieces of {@link SshHosts}: line splitting, bounded capture, exit-code mapping, command lines, addresses. */
class RemotePiecesTest {
  @Test
  void linesAreHandedOverWithoutTerminatorsAndTheLastOneOnClose() {
    List<String> got = new ArrayList<>();
    LineSplitter s = new LineSplitter((k, l) -> got.add(k + " " + l), OutputListener.Stream.STDERR, 1024);
    s.write("a\r\nb".getBytes(StandardCharsets.UTF_8), 0, 4);
    s.write("c\n\nü".getBytes(StandardCharsets.UTF_8), 0, 5);
    assertThat(got).containsExactly("STDERR a", "STDERR bc", "STDERR ");
    s.close();
    assertThat(got).containsExactly("STDERR a", "STDERR bc", "STDERR ", "STDERR ü");
  }

  @Test
  void aLineLongerThanTheCapArrivesInPieces() {
    List<String> got = new ArrayList<>();
    LineSplitter s = new LineSplitter((k, l) -> got.add(l), OutputListener.Stream.STDOUT, 4);
    s.write("abcdefghij\n".getBytes(StandardCharsets.US_ASCII), 0, 11);
    assertThat(got).containsExactly("abcd", "efgh", "ij");
  }

  @Test
  void captureKeepsHeadAndTailAndCountsWhatItDropped() {
    BoundedCapture c = new BoundedCapture(8);
    for (char ch = 'a'; ch <= 'z'; ch++) {
      c.write(new byte[] {(byte) ch}, 0, 1);
    }
    c.write("0123456789".getBytes(StandardCharsets.US_ASCII), 0, 10);
    assertThat(c.total()).isEqualTo(36);
    assertThat(c.text()).isEqualTo("abcd\n[... 28 bytes not kept ...]\n6789");
    BoundedCapture small = new BoundedCapture(8);
    small.write("abcdef".getBytes(StandardCharsets.US_ASCII), 0, 6);
    assertThat(small.text()).isEqualTo("abcdef");
  }

  @Test
  void exitTwoIsAnInputErrorWithTheToolsMessage() {
    CommandResult r = new CommandResult("app1", 2, "", "log line\nvrun: error: proc.yaml line 4: port must be an integer\n", 0, 0);
    assertThatThrownBy(r::orThrow).isExactlyInstanceOf(InputException.class)
        .hasMessage("app1: vrun: proc.yaml line 4: port must be an integer");
  }

  @Test
  void exitOneIsAnOperationError() {
    CommandResult r = new CommandResult("app1", 1, "", "vbuild: error: buildpack failed\n", 0, 0);
    assertThatThrownBy(r::orThrow).isExactlyInstanceOf(VrException.class).hasMessage("app1: vbuild: buildpack failed");
  }

  @Test
  void otherFailuresNameTheExitCodeAndTheLastLine() {
    CommandResult r = new CommandResult("app1", 127, "", "sh: 1: nope: not found\n\n", 0, 0);
    assertThatThrownBy(r::orThrow).isExactlyInstanceOf(VrException.class).hasMessage("app1: exit 127: sh: 1: nope: not found");
    CommandResult ok = new CommandResult("app1", 0, "x", "", 1, 0);
    assertThat(ok.orThrow()).isSameAs(ok);
  }

  @Test
  void theCommandLinePrintsItsPidThenRunsTheQuotedCommandAsRootOnlyWhenAskedAndNeeded() {
    HostAddress root = HostAddress.parse("h", "root");
    HostAddress deploy = HostAddress.parse("deploy@h", "root");
    assertThat(RemoteCommand.wrap("echo 'x'", true, root)).isEqualTo("echo vr-remote-pid:$$; exec sh -c 'echo '\\''x'\\'''");
    assertThat(RemoteCommand.wrap("id", true, deploy)).isEqualTo("echo vr-remote-pid:$$; exec sudo -n -- sh -c 'id'");
    assertThat(RemoteCommand.wrap("id", false, deploy)).isEqualTo("echo vr-remote-pid:$$; exec sh -c 'id'");
    assertThat(RemoteCommand.kill(42, true, deploy)).startsWith("sudo -n -- sh -c 'kill -s TERM -- -42 ");
    assertThat(RemoteCommand.kill(42, false, deploy)).startsWith("kill -s TERM -- -42 ");
  }

  @Test
  void thePidLineIsConsumedAndTheRestPassedOn() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RemoteExec.PidReader r = new RemoteExec.PidReader(out);
    r.write("vr-remote-".getBytes(StandardCharsets.US_ASCII));
    r.write("pid:123\nhello\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.pid()).isEqualTo(123);
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello\n");
  }

  @Test
  void addressesParseUserHostAndPort() {
    assertThat(HostAddress.parse("app1", "root")).isEqualTo(new HostAddress("root", "app1", 22));
    assertThat(HostAddress.parse("deploy@10.0.0.5:2222", "root")).isEqualTo(new HostAddress("deploy", "10.0.0.5", 2222));
    assertThat(HostAddress.parse("[::1]:2200", "root").label()).isEqualTo("[::1]:2200");
    assertThat(HostAddress.parse("app1:22", "root").label()).isEqualTo("app1");
    assertThatThrownBy(() -> HostAddress.parse("-oProxyCommand=x", "root")).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> HostAddress.parse("h:99999", "root")).isInstanceOf(InputException.class);
  }
}
