package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostsTest {
  @Test
  void namesAndAddressesAreValid() {
    for (String h : new String[] {"localhost", "lb1.example.com", "cache_1", "10.0.0.1", "::1", "[::1]", "fe80::1%eth0",
        "2001:db8::10.0.0.1", "a".repeat(63) + ".b"}) {
      assertThat(Hosts.problem(h)).as(h).isNull();
    }
  }

  @Test
  void spacesOptionsControlAndShellCharactersAreNot() {
    for (String h : new String[] {"", "lb 1", "-oProxyCommand=x", "lb1.-x", "lb1\nlb2", "lb1;reboot", "$(id)", "`id`",
        "a|b", "a&b", "a>b", "lb1\"", "a'b", "a..b", "[lb1]", "::g", "a".repeat(64), "x".repeat(254), "a/b", "a\\b"}) {
      assertThat(Hosts.problem(h)).as(h).isNotNull();
    }
  }
}
