package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

class OwnerTest {
  @TempDir Path tmp;
  private Path passwd;
  private Path group;

  @BeforeEach
  void setUp() throws Exception {
    passwd = Files.writeString(tmp.resolve("passwd"), """
        root:x:0:0:root:/root:/bin/bash
        # a comment
        nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
        app:x:1001:1002:App:/home/app:/bin/sh
        """);
    group = Files.writeString(tmp.resolve("group"), """
        root:x:0:
        staff:x:50:app,other
        nogroup:x:65534:
        """);
  }

  @Test
  void resolvesUserAndGroupNames() {
    assertThat(Owner.resolve("app", "staff", passwd, group)).isEqualTo(new Owner(1001, 50));
    assertThat(Owner.resolve("nobody", "nogroup", passwd, group)).isEqualTo(new Owner(65534, 65534));
  }

  @Test
  void missingGroupMeansPrimaryGroup() {
    assertThat(Owner.resolve("app", null, passwd, group)).isEqualTo(new Owner(1001, 1002));
    assertThat(Owner.resolve("app", " ", passwd, group)).isEqualTo(new Owner(1001, 1002));
  }

  @Test
  void numericIdsAreAccepted() {
    assertThat(Owner.resolve("4242", "4343", passwd, group)).isEqualTo(new Owner(4242, 4343));
  }

  @Test
  void unknownUserOrGroupIsBadInputNamingIt() {
    assertThatThrownBy(() -> Owner.resolve("ghost", "staff", passwd, group))
        .isInstanceOf(InputException.class)
        .hasMessage("unknown user 'ghost' (not in " + passwd + ")");
    assertThatThrownBy(() -> Owner.resolve("app", "ghosts", passwd, group))
        .isInstanceOf(InputException.class)
        .hasMessage("unknown group 'ghosts' (not in " + group + ")");
  }

  @Test
  void theHostKnowsRoot() {
    assertThat(Owner.resolve("root", "root")).isEqualTo(new Owner(0, 0));
  }
}
