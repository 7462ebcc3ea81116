package vr.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import vr.common.supervisor.LogTail;

class LogLinesTest {
  /** A log file and supervisord's {@code tailFile(filename, offset, length)} over it, as supervisor 4 has it. */
  static final class Log {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    void print(String s) {
      bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    LogTail tail(long offset, int length) {
      byte[] all = bytes.toByteArray();
      long sz = all.length;
      boolean overflow = false;
      if (sz > offset + length) {
        overflow = true;
        offset = sz - 1;
      }
      if (offset + length > sz) {
        if (offset > sz - 1) {
          length = 0;
        }
        offset = sz - length;
      }
      offset = Math.max(0, offset);
      length = Math.max(0, length);
      String data = length == 0 ? "" : new String(all, (int) offset, Math.min(length, (int) (sz - offset)), StandardCharsets.UTF_8);
      return new LogTail(data, sz, overflow);
    }
  }

  @Test
  void onlyWhatWasPrintedAfterTheTailOpenedComesOut() {
    Log log = new Log();
    log.print("old 1\nold 2\n");
    LogLines lines = new LogLines(log.tail(0, 0).offset(), 1024);
    assertThat(lines.take(log.tail(lines.offset(), 1024))).isEmpty();
    log.print("new 1\nnew 2\n");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).containsExactly("new 1", "new 2");
    log.print("new 3\n");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).containsExactly("new 3");
  }

  @Test
  void aLineWithoutItsEndWaitsForTheRest() {
    Log log = new Log();
    LogLines lines = new LogLines(0, 1024);
    log.print("hal");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).isEmpty();
    log.print("f a line\r\nnext\n");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).containsExactly("half a line", "next");
  }

  @Test
  void moreThanAChunkSkipsTheMiddleAndSaysSo() {
    Log log = new Log();
    LogLines lines = new LogLines(0, 16);
    log.print("0123456789\n0123456789\nlast line\n");
    assertThat(lines.take(log.tail(lines.offset(), 16))).containsExactly(
        "[... 16 bytes of the log skipped after offset 0 ...]", "56789", "last line");
  }

  @Test
  void aLineLongerThanAChunkComesInPieces() {
    Log log = new Log();
    LogLines lines = new LogLines(0, 8);
    log.print("abcdefgh");
    assertThat(lines.take(log.tail(lines.offset(), 8))).containsExactly("abcdefgh");
    log.print("ij\n");
    assertThat(lines.take(log.tail(lines.offset(), 8))).containsExactly("ij");
  }

  @Test
  void aRotatedLogIsFollowedFromItsNewEnd() {
    Log log = new Log();
    log.print("a long first log\n");
    LogLines lines = new LogLines(log.tail(0, 0).offset(), 1024);
    log.bytes.reset();
    log.print("x\n");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).isEmpty();
    log.print("after rotation\n");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).containsExactly("after rotation");
  }

  @Test
  void multiByteCharactersSurvive() {
    Log log = new Log();
    LogLines lines = new LogLines(0, 1024);
    log.print("été ✓\n");
    assertThat(lines.take(log.tail(lines.offset(), 1024))).containsExactly("été ✓");
  }
}
