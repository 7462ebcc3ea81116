package vr.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.model.Hashing;

class ReleasesTest {
  private static final Ingredient DB = new Ingredient("db", Map.of("db_host", "db1", "shared", "from-db"),
      Map.of("DB_URL", "postgres://db1", "SHARED", "db"));
  private static final Ingredient AMQP = new Ingredient("amqp", Map.of("broker", "mq1", "shared", "from-amqp"),
      Map.of("SHARED", "amqp"));

  @Test
  void configIsIngredientsInNameOrderThenTheSwarm() {
    Map<String, Object> c = Releases.config(List.of(DB, AMQP), Map.of("debug", true));
    assertThat(c).isEqualTo(Map.of("db_host", "db1", "broker", "mq1", "shared", "from-db", "debug", true));
    assertThat(Releases.config(List.of(DB, AMQP), Map.of("shared", "mine"))).containsEntry("shared", "mine");
  }

  @Test
  void theMergeIsShallow() {
    Ingredient a = new Ingredient("a", Map.of("db", Map.of("host", "x", "port", 1L)), null);
    Map<String, Object> c = Releases.config(List.of(a), Map.of("db", Map.of("host", "y")));
    assertThat(c).isEqualTo(Map.of("db", Map.of("host", "y")));
  }

  @Test
  void envIsBuildThenIngredientsThenSwarm() {
    Map<String, Object> build = Map.of("PATH", "/app/bin", "SHARED", "build", "BUILD_ONLY", "1");
    assertThat(Releases.env(build, List.of(DB, AMQP), Map.of())).containsEntry("SHARED", "db")
        .containsEntry("PATH", "/app/bin").containsEntry("DB_URL", "postgres://db1").containsEntry("BUILD_ONLY", "1");
    assertThat(Releases.env(build, List.of(DB), Map.of("SHARED", "swarm", "PATH", "/x"))).containsEntry("SHARED", "swarm")
        .containsEntry("PATH", "/x");
    assertThat(Releases.env(null, null, null)).isEmpty();
  }

  @Test
  void compileBuildsTheSwarmsReleaseSpec() {
    SwarmSettings s = new SwarmSettings(Map.of("x", 1L), Map.of("E", "e"), List.of(List.of("/a", "/b")), "", "256M", null,
        List.of(DB));
    ReleaseSpec r = Releases.compile(7, Map.of("P", "p"), s);
    assertThat(r.buildId()).isEqualTo(7);
    assertThat(r.config()).isEqualTo(Map.of("x", 1L, "db_host", "db1", "shared", "from-db"));
    assertThat(r.env()).isEqualTo(Map.of("P", "p", "E", "e", "DB_URL", "postgres://db1", "SHARED", "db"));
    assertThat(r.volumes()).containsExactly(List.of("/a", "/b"));
    assertThat(r.runAs()).isEqualTo("nobody");
    assertThat(r.memLimit()).isEqualTo("256M");
    assertThat(r.memswLimit()).isNull();
  }

  @Test
  void releaseEqTreatsNothingAsEmpty() {
    ReleaseSpec empty = new ReleaseSpec(1, null, null, null, null, null, null);
    ReleaseSpec explicit = new ReleaseSpec(1, Map.of(), Map.of(), List.of(), "nobody", "", "");
    assertThat(Releases.releaseEquals(empty, explicit)).isTrue();
    assertThat(Releases.reusable(empty, explicit)).isTrue();
  }

  @Test
  void releaseEqComparesConfigEnvAndVolumes() {
    ReleaseSpec a = new ReleaseSpec(1, Map.of("a", 1L, "b", 2L), Map.of("E", "x"), List.of(List.of("/a", "/b")), null, null, null);
    assertThat(Releases.releaseEquals(a, new ReleaseSpec(1, Map.of("b", 2, "a", 1), Map.of("E", "x"),
        List.of(List.of("/a", "/b")), null, null, null))).as("key order and Integer/Long do not matter").isTrue();
    assertThat(Releases.releaseEquals(a, new ReleaseSpec(1, Map.of("a", 1L), Map.of("E", "x"), List.of(List.of("/a", "/b")),
        null, null, null))).isFalse();
    assertThat(Releases.releaseEquals(a, new ReleaseSpec(1, Map.of("a", 1L, "b", 2L), Map.of("E", "y"),
        List.of(List.of("/a", "/b")), null, null, null))).isFalse();
    assertThat(Releases.releaseEquals(a, new ReleaseSpec(1, Map.of("a", 1L, "b", 2L), Map.of("E", "x"), null, null, null,
        null))).isFalse();
  }

  @Test
  void theNewestEqualReleaseIsReused() {
    ReleaseSpec wanted = new ReleaseSpec(3, Map.of("a", 1L), Map.of(), List.of(), null, "256M", null);
    ExistingRelease newest = new ExistingRelease(12, new ReleaseSpec(3, Map.of("a", 1L), Map.of(), null, null, "256M", null), null);
    ExistingRelease older = new ExistingRelease(10, new ReleaseSpec(3, Map.of("a", 1L), null, null, null, "256M", null), "0badcafe");
    assertThat(Releases.choose(List.of(newest, older), wanted)).contains(newest);
  }

  @Test
  void aConfigChangeMakesANewRelease() {
    ExistingRelease old = new ExistingRelease(10, new ReleaseSpec(3, Map.of("a", 1L), Map.of(), null, null, null, null), "abcd1234");
    ReleaseSpec changed = new ReleaseSpec(3, Map.of("a", 2L), Map.of(), null, null, null, null);
    assertThat(Releases.choose(List.of(old), changed)).isEmpty();
    assertThat(changed.hash("f".repeat(32))).isNotEqualTo(old.spec().hash("f".repeat(32)));
  }

  @Test
  void aNewBuildMakesANewReleaseWithANewHash() {
    ReleaseSpec onOld = new ReleaseSpec(3, Map.of("a", 1L), Map.of(), null, null, null, null);
    ReleaseSpec onNew = new ReleaseSpec(4, Map.of("a", 1L), Map.of(), null, null, null, null);
    assertThat(Releases.choose(List.of(new ExistingRelease(10, onOld, "x")), onNew)).isEmpty();
    assertThat(onNew.hash(Hashing.buildHash("md5-of-new-build", null)))
        .isNotEqualTo(onOld.hash(Hashing.buildHash("md5-of-old-build", null)));
  }

  @Test
  void anotherUserOrLimitMakesANewRelease() {
    ReleaseSpec base = new ReleaseSpec(3, Map.of(), Map.of(), null, "nobody", "256M", null);
    List<ExistingRelease> existing = List.of(new ExistingRelease(1, base, null));
    assertThat(Releases.choose(existing, new ReleaseSpec(3, Map.of(), Map.of(), null, "app", "256M", null))).isEmpty();
    assertThat(Releases.choose(existing, new ReleaseSpec(3, Map.of(), Map.of(), null, "nobody", "512M", null))).isEmpty();
    assertThat(Releases.choose(existing, new ReleaseSpec(3, Map.of(), Map.of(), null, "nobody", "256M", "1G"))).isEmpty();
    assertThat(Releases.choose(existing, new ReleaseSpec(3, Map.of(), Map.of(), null, "", "256M", ""))).isPresent();
  }

  @Test
  void theHashIsMakeHashOfTheParts() {
    ReleaseSpec r = new ReleaseSpec(3, Map.of("a", 1L), Map.of("E", "x"), List.of(List.of("/a", "/b")), "nobody", "256M", null);
    String buildHash = "0123456789abcdef0123456789abcdef";
    assertThat(r.hash(buildHash)).hasSize(8).isEqualTo(Hashing.makeHash(buildHash, Map.of("a", 1L), Map.of("E", "x"),
        List.of(List.of("/a", "/b")), "nobody", "256M", null).substring(0, 8));
    assertThat(new ReleaseSpec(3, null, null, null, null, null, null).hash(buildHash))
        .isEqualTo(new ReleaseSpec(3, Map.of(), Map.of(), List.of(), "nobody", "", "").hash(buildHash));
    assertThatThrownBy(() -> r.hash(null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("no hash yet");
  }
}
