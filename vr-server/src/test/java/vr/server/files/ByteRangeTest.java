package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void closedRange() {
    assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange.Part(0, 99));
    assertThat(ByteRange.parse("bytes=10-10", 1000)).isEqualTo(new ByteRange.Part(10, 10));
  }

  @Test
  void closedRangePastTheEndIsCut() {
    assertThat(ByteRange.parse("bytes=990-5000", 1000)).isEqualTo(new ByteRange.Part(990, 999));
  }

  @Test
  void openRange() {
    assertThat(ByteRange.parse("bytes=900-", 1000)).isEqualTo(new ByteRange.Part(900, 999));
  }

  @Test
  void suffixRange() {
    assertThat(ByteRange.parse("bytes=-100", 1000)).isEqualTo(new ByteRange.Part(900, 999));
    assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange.Part(0, 999));
  }

  @Test
  void startAtOrPastTheEndIsUnsatisfiable() {
    assertThat(ByteRange.parse("bytes=1000-", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=1000-2000", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-10", 0)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=99999999999999999999999-", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
  }

  @Test
  void whatIsNotOneValidByteRangeIsIgnored() {
    assertThat(ByteRange.parse(null, 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=5-1", 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=0-1,5-9", 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("items=0-1", 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=a-b", 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=-", 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes 0-1", 1000)).isEqualTo(ByteRange.FULL);
  }

  @Test
  void unitAndSpacesAreLenient() {
    assertThat(ByteRange.parse(" Bytes = 1 - 2 ", 1000)).isEqualTo(new ByteRange.Part(1, 2));
  }

  @Test
  void contentRangeNamesTheTotal() {
    assertThat(new ByteRange.Part(0, 99).contentRange(1000)).isEqualTo("bytes 0-99/1000");
  }
}
