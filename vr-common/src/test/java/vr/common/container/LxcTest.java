package vr.common.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LxcTest {
  @Test
  void cgroupsOfAContainerAreItsNameOrItsNameWithLxcsNumber() {
    String base = "lxc.payload.vr-0123456789ab";
    assertThat(Lxc.ours("lxc.payload.vr-0123456789ab", base)).isTrue();
    assertThat(Lxc.ours("lxc.payload.vr-0123456789ab-1", base)).isTrue();
    assertThat(Lxc.ours("lxc.payload.vr-0123456789ab-12", base)).isTrue();
    assertThat(Lxc.ours("lxc.payload.vr-0123456789ab-", base)).isFalse();
    assertThat(Lxc.ours("lxc.payload.vr-0123456789ab-u1f.2", base)).as("an uptest container's").isFalse();
    assertThat(Lxc.ours("lxc.payload.vr-0123456789abc", base)).isFalse();
    assertThat(Lxc.ours("lxc.payload.vr-0123456789a", base)).isFalse();
    assertThat(Lxc.ours("lxc.monitor.vr-0123456789ab", base)).isFalse();
  }
}
