package vr.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vr.server.api.ApiException;

class RulesTest {
  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable r, String field) {
    return assertThatThrownBy(r::run).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400))
        .satisfies(e -> assertThat(((ApiException) e).field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"node_example", "a", "App.Name_2", "ünïcode"})
  void appNamesWithoutDashSpaceOrSlashAreAccepted(String name) {
    assertThat(Rules.appName("name", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"my-app", "my app", "my/app", "tab\tapp", "..", ""})
  void appNamesWithDashSpaceSlashOrNothingAreRefused(String name) {
    refused(() -> Rules.appName("name", name), "name");
  }

  @Test
  void appNameMessageSaysTheRule() {
    refused(() -> Rules.appName("name", "my-app"), "name").hasMessageContaining("may not contain '-'").hasMessageContaining("'my-app'");
    refused(() -> Rules.appName("name", "a".repeat(51)), "name").hasMessageContaining("at most 50");
    assertThat(Rules.appName("name", "a".repeat(50))).hasSize(50);
  }

  @ParameterizedTest
  @ValueSource(strings = {"prod", "web_2", "A_b_C"})
  void wordsAreAcceptedAsConfigAndProcNames(String v) {
    assertThat(Rules.configName("config_name", v)).isEqualTo(v);
    assertThat(Rules.procName("proc_name", v)).isEqualTo(v);
  }

  @ParameterizedTest
  @ValueSource(strings = {"my-conf", "a.b", "a b", "", "ü"})
  void configAndProcNamesOutsideLettersDigitsUnderscoreAreRefused(String v) {
    refused(() -> Rules.configName("config_name", v), "config_name");
    refused(() -> Rules.procName("proc_name", v), "proc_name");
  }

  @Test
  void configNameLongerThan50IsRefused() {
    refused(() -> Rules.configName("config_name", "c".repeat(51)), "config_name").hasMessageContaining("at most 50");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gittag/v1", "my:tag", "^tag", "~other:tag", "tag?", "other*tag", "\\tag", "a tag"})
  void theOriginalsInvalidTagsAreRefused(String tag) {
    refused(() -> Rules.tag("tag", tag), "tag").hasMessageContaining("Invalid tag name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "1.2.3", "release_5", "abc123f", "v2@x"})
  void ordinaryTagsAreAccepted(String tag) {
    assertThat(Rules.tag("version", tag)).isEqualTo(tag);
  }

  @Test
  void aTagWithADashIsRefusedSinceItWouldSplitTheProcName() {
    refused(() -> Rules.tag("tag", "v1.2-rc1"), "tag").hasMessageContaining("Invalid tag name 'v1.2-rc1'")
        .hasMessageContaining("'-' is not allowed");
  }

  @Test
  void aTagWithControlCharactersIsRefusedWithTheCharacterEscaped() {
    refused(() -> Rules.tag("tag", "v1\nx"), "tag").hasMessage("tag: Invalid tag name 'v1\\nx'");
    refused(() -> Rules.tag("tag", "v1\u0001"), "tag").hasMessageContaining("control characters");
    refused(() -> Rules.tag("tag", "t".repeat(51)), "tag").hasMessageContaining("at most 50");
  }

  @ParameterizedTest
  @ValueSource(strings = {"host1", "app-1.example.com", "10.0.0.5", "under_score"})
  void hostNamesAreAccepted(String h) {
    assertThat(Rules.hostName("name", h)).isEqualTo(h);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-oProxyCommand=x", ".hidden", "a b", "a/b", "a:22", "", "user@host"})
  void hostNamesThatAreNotFqdnLikeAreRefused(String h) {
    refused(() -> Rules.hostName("name", h), "name");
  }

  @Test
  void squadIngredientAndStackNamesAreLabels() {
    assertThat(Rules.squadName("name", "Web squad 1")).isEqualTo("Web squad 1");
    assertThat(Rules.ingredientName("name", "db-prod")).isEqualTo("db-prod");
    assertThat(Rules.stackName("name", "s".repeat(200))).hasSize(200);
    refused(() -> Rules.squadName("name", " padded"), "name").hasMessageContaining("spaces");
    refused(() -> Rules.ingredientName("name", "a/b"), "name").hasMessageContaining("'/'");
    refused(() -> Rules.squadName("name", "s".repeat(51)), "name").hasMessageContaining("at most 50");
    refused(() -> Rules.stackName("name", "s".repeat(201)), "name").hasMessageContaining("at most 200");
    refused(() -> Rules.stackName("name", "  "), "name").hasMessageContaining("required");
  }

  @Test
  void repoTypeIsGitOrHgAndGitByDefault() {
    assertThat(Rules.repoType("repo_type", "hg")).isEqualTo("hg");
    assertThat(Rules.repoType("repo_type", null)).isEqualTo("git");
    refused(() -> Rules.repoType("repo_type", "svn"), "repo_type").hasMessage("repo_type: must be git or hg, not 'svn'");
  }

  @Test
  void repoUrlMayNotLookLikeAnOption() {
    assertThat(Rules.repoUrl("repo_url", "https://example.org/a.git#v1")).endsWith("#v1");
    refused(() -> Rules.repoUrl("repo_url", "--upload-pack=evil"), "repo_url");
    refused(() -> Rules.repoUrl("repo_url", "https://x/ y"), "repo_url");
  }

  @Test
  void runAsIsAUnixUserNameAndNobodyByDefault() {
    assertThat(Rules.runAs("run_as", "www-data")).isEqualTo("www-data");
    assertThat(Rules.runAs("run_as", "")).isEqualTo("nobody");
    refused(() -> Rules.runAs("run_as", "-x"), "run_as");
    refused(() -> Rules.runAs("run_as", "root;rm"), "run_as");
    refused(() -> Rules.runAs("run_as", "u".repeat(33)), "run_as");
  }

  @Test
  void memoryLimitsAreSizesOrEmpty() {
    assertThat(Rules.memoryLimit("mem_limit", "256M")).isEqualTo("256M");
    assertThat(Rules.memoryLimit("mem_limit", "1g")).isEqualTo("1g");
    assertThat(Rules.memoryLimit("mem_limit", "1048576")).isEqualTo("1048576");
    assertThat(Rules.memoryLimit("mem_limit", "")).isNull();
    assertThat(Rules.memoryLimit("mem_limit", null)).isNull();
    refused(() -> Rules.memoryLimit("mem_limit", "256 MB"), "mem_limit").hasMessageContaining("256M");
    refused(() -> Rules.memoryLimit("memsw_limit", "-1"), "memsw_limit");
    refused(() -> Rules.memoryLimit("mem_limit", "999999999999999999T"), "mem_limit").hasMessageContaining("too large");
  }

  @Test
  void memswLimitMayNotBeBelowMemLimit() {
    Rules.memoryLimits("256M", "1G");
    Rules.memoryLimits("256M", null);
    refused(() -> Rules.memoryLimits("1G", "512M"), "memsw_limit").hasMessageContaining("must not be smaller than mem_limit");
  }

  @Test
  void sizeIsZeroToAThousand() {
    assertThat(Rules.size("size", 0)).isZero();
    assertThat(Rules.size("size", 1000)).isEqualTo(1000);
    refused(() -> Rules.size("size", 1001), "size").hasMessage("size: must be between 0 and 1000, not 1001");
    refused(() -> Rules.size("size", -1), "size");
    refused(() -> Rules.size("size", null), "size");
  }

  @Test
  void portIsZeroTo65535AndZeroIsAllowedForWorkers() {
    assertThat(Rules.port("port", 0)).isZero();
    assertThat(Rules.port("port", 65535)).isEqualTo(65535);
    refused(() -> Rules.port("port", 65536), "port");
    refused(() -> Rules.port("port", -1), "port");
  }

  @Test
  void aPoolRequiresABalancer() {
    refused(() -> Rules.poolAndBalancer("web", null, Set.of("default")), "pool")
        .hasMessage("pool: Swarms that specify a pool must specify a balancer");
    Rules.poolAndBalancer("web", "default", Set.of("default"));
    Rules.poolAndBalancer(null, "default", Set.of("default"));
    Rules.poolAndBalancer("", "", Set.of("default"));
  }

  @Test
  void theBalancerMustBeConfigured() {
    assertThat(Rules.balancer("balancer", "lb2", Set.of("lb1", "lb2"))).isEqualTo("lb2");
    assertThat(Rules.balancer("balancer", "", Set.of("lb1"))).isNull();
    refused(() -> Rules.balancer("balancer", "nope", Set.of("lb2", "lb1")), "balancer")
        .hasMessage("balancer: 'nope' is not a configured balancer; the balancers are [lb1, lb2]");
  }

  @Test
  void poolNamesFollowTheBalancersRule() {
    assertThat(Rules.pool("pool", "my_pool.1")).isEqualTo("my_pool.1");
    assertThat(Rules.pool("pool", "")).isNull();
    refused(() -> Rules.pool("pool", "-bad"), "pool");
    refused(() -> Rules.pool("pool", "bad pool"), "pool");
    refused(() -> Rules.pool("pool", "p".repeat(51)), "pool").hasMessageContaining("at most 50");
  }
}
