package vr.common.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemorySizeTest {
  @Test
  void suffixesArePowersOf1024() {
    assertThat(MemorySize.parse("256M")).isEqualTo(256L * 1024 * 1024);
    assertThat(MemorySize.parse("1g")).isEqualTo(1L << 30);
    assertThat(MemorySize.parse("512k")).isEqualTo(512L * 1024);
    assertThat(MemorySize.parse("1048576")).isEqualTo(1048576L);
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> MemorySize.parse("lots")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MemorySize.parse("99999999999999999T")).isInstanceOf(IllegalArgumentException.class);
  }
}
