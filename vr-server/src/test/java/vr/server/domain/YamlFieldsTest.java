package vr.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.server.api.ApiException;
import vr.server.api.Json;

class YamlFieldsTest {
  @Test
  void configFromYamlTextIsAPlainMapping() {
    Map<String, Object> m = YamlFields.config("config_yaml", "db:\n  host: x\n  port: 5432\ndebug: yes\n");
    assertThat(m).isEqualTo(Map.of("db", Map.of("host", "x", "port", 5432L), "debug", true));
  }

  @Test
  void configFromJsonEqualsTheSameFromYaml() throws Exception {
    Object json = Json.MAPPER.readValue("{\"db\": {\"port\": 5432, \"ratio\": 0.5}, \"l\": [1, \"a\"]}", Object.class);
    Map<String, Object> fromJson = YamlFields.config("config_yaml", json);
    Map<String, Object> fromYaml = YamlFields.config("config_yaml", "db: {port: 5432, ratio: 0.5}\nl: [1, a]\n");
    assertThat(fromJson).isEqualTo(fromYaml);
    assertThat(YamlFields.config("config_yaml", Json.MAPPER.readTree("{\"a\": 1}"))).isEqualTo(Map.of("a", 1L));
    assertThat(YamlFields.config("config_yaml", Json.MAPPER.readTree("{\"c\": \"a: 1\"}").get("c"))).isEqualTo(Map.of("a", 1L));
    assertThat(YamlFields.config("config_yaml", Json.MAPPER.readTree("{\"c\": null}").get("c"))).isEmpty();
    assertThat(YamlFields.volumes("volumes", Json.MAPPER.readTree("[[\"/a\", \"/b\"]]"))).containsExactly(List.of("/a", "/b"));
  }

  @Test
  void emptyOrNullIsAnEmptyMappingAndStoredAsEmptyText() {
    assertThat(YamlFields.config("config_yaml", null)).isEmpty();
    assertThat(YamlFields.config("config_yaml", "")).isEmpty();
    assertThat(YamlFields.parseMapping("env_yaml", null)).isEmpty();
    assertThat(YamlFields.dump(Map.of())).isEmpty();
    assertThat(YamlFields.dump(List.of())).isEmpty();
  }

  @Test
  void aListWhereAMappingBelongsIsRefusedNamingTheField() {
    assertThatThrownBy(() -> YamlFields.config("config_yaml", "- a\n- b\n")).isInstanceOf(ApiException.class)
        .hasMessage("config_yaml: must be a mapping (key: value), not a list");
    assertThatThrownBy(() -> YamlFields.config("config_yaml", List.of(1))).hasMessageContaining("not a list");
  }

  @Test
  void malformedYamlNamesTheFieldAndLine() {
    assertThatThrownBy(() -> YamlFields.config("config_yaml", "a: 1\nb: [unclosed\n")).isInstanceOf(ApiException.class)
        .hasMessageStartingWith("config_yaml line ").hasMessageContaining("malformed YAML")
        .satisfies(e -> assertThat(((ApiException) e).field()).isEqualTo("config_yaml"));
  }

  @Test
  void unsafeTagsAndAliasBombsAreRefused() {
    assertThatThrownBy(() -> YamlFields.config("config_yaml", "a: !!python/object:os.system x\n"))
        .hasMessageContaining("cannot read a value tagged");
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'z'; c++) {
      bomb.append(c).append(": &").append(c).append(" [*").append((char) (c - 1)).append(", *").append((char) (c - 1))
          .append(", *").append((char) (c - 1)).append("]\n");
    }
    assertThatThrownBy(() -> YamlFields.config("config_yaml", bomb.toString())).isInstanceOf(ApiException.class)
        .hasMessageContaining("malformed YAML");
  }

  @Test
  void textOverOneMebibyteIsRefused() {
    String big = "a: '" + "x".repeat(YamlFields.MAX_TEXT_CHARS) + "'\n";
    assertThatThrownBy(() -> YamlFields.config("config_yaml", big)).hasMessageStartingWith("config_yaml: is ")
        .hasMessageContaining("at most 1048576");
    assertThatThrownBy(() -> YamlFields.config("config_yaml", Map.of("a", "x".repeat(YamlFields.MAX_TEXT_CHARS))))
        .hasMessageContaining("at most 1048576");
  }

  @Test
  void aHugeIntCannotBeMarshalledToXmlRpc() {
    assertThatThrownBy(() -> YamlFields.config("config_yaml", "huge: 1234123412341234\n")).isInstanceOf(ApiException.class)
        .hasMessage("config_yaml: Cannot be marshalled to XMLRPC: int exceeds XML-RPC limits (at huge): 1234123412341234");
    assertThatThrownBy(() -> YamlFields.env("env_yaml", Map.of("N", 1234123412341234L)))
        .hasMessageContaining("int exceeds XML-RPC limits");
    assertThatThrownBy(() -> YamlFields.config("config_yaml", Map.of("a", List.of(BigInteger.TEN.pow(30)))))
        .hasMessageContaining("int exceeds XML-RPC limits (at a[1])");
  }

  @Test
  void intsWithin32BitsAreMarshallable() {
    assertThat(YamlFields.config("config_yaml", "max: 2147483647\nmin: -2147483648\n"))
        .containsEntry("max", 2147483647L).containsEntry("min", -2147483648L);
    assertThatThrownBy(() -> YamlFields.config("config_yaml", "over: 2147483648\n")).hasMessageContaining("int exceeds XML-RPC limits");
  }

  @Test
  void nonStringKeysCannotBeMarshalled() {
    Map<Object, Object> m = new HashMap<>();
    m.put(1, "a");
    assertThatThrownBy(() -> YamlFields.config("config_yaml", m))
        .hasMessage("config_yaml: Cannot be marshalled to XMLRPC: dictionary key must be string: '1'");
  }

  @Test
  void charactersXmlCannotCarryAndNonFiniteFloatsAreRefused() {
    assertThatThrownBy(() -> YamlFields.config("config_yaml", Map.of("a", "x\u0001y")))
        .hasMessage("config_yaml: Cannot be marshalled to XMLRPC: a string holds U+0001, which XML cannot carry (at a)");
    assertThatThrownBy(() -> YamlFields.config("config_yaml", "a: .nan\n")).hasMessageContaining("a float must be finite");
    assertThat(YamlFields.config("config_yaml", Map.of("a", "tab\tnew\nline \uD83D\uDE00"))).containsKey("a");
  }

  @Test
  void envValuesAreScalarsUnderVariableNames() {
    assertThat(YamlFields.env("env_yaml", "A: x\nB: 5\nC: true\nD:\n")).containsEntry("B", 5L).containsEntry("D", null);
    assertThatThrownBy(() -> YamlFields.env("env_yaml", "A:\n  nested: 1\n")).isInstanceOf(ApiException.class)
        .hasMessage("env_yaml: A must be a string, number or boolean, not a mapping: it becomes one environment variable");
    assertThatThrownBy(() -> YamlFields.env("env_yaml", Map.of("L", List.of("a")))).hasMessageContaining("not a list");
    assertThatThrownBy(() -> YamlFields.env("env_yaml", Map.of("MY-VAR", "x")))
        .hasMessageContaining("'MY-VAR' is not an environment variable name");
    assertThatThrownBy(() -> YamlFields.env("env_yaml", Map.of("X", "a\0b"))).hasMessageContaining("U+0000");
  }

  @Test
  void volumesArePairsOfAbsolutePaths() {
    List<List<String>> v = YamlFields.volumes("volumes", "- [/data/app, /data]\n- [/var/log/x, /logs]\n");
    assertThat(v).containsExactly(List.of("/data/app", "/data"), List.of("/var/log/x", "/logs"));
    assertThat(YamlFields.volumes("volumes", List.of(List.of("/a", "/b")))).containsExactly(List.of("/a", "/b"));
    assertThat(YamlFields.volumes("volumes", null)).isEmpty();
    assertThat(YamlFields.parseVolumes("volumes", "")).isEmpty();
  }

  @Test
  void badVolumesAreRefusedNamingTheItem() {
    assertThatThrownBy(() -> YamlFields.volumes("volumes", "- [relative, /b]\n"))
        .hasMessage("volumes: item 1: paths must be absolute: 'relative'");
    assertThatThrownBy(() -> YamlFields.volumes("volumes", List.of(List.of("/a", "/b"), List.of("/a/../etc", "/c"))))
        .hasMessage("volumes: item 2: paths must not contain '.' or '..' parts: '/a/../etc'");
    assertThatThrownBy(() -> YamlFields.volumes("volumes", List.of(List.of("/a b", "/c"))))
        .hasMessageContaining("spaces");
    assertThatThrownBy(() -> YamlFields.volumes("volumes", List.of(List.of("/a")))).hasMessage(
        "volumes: item 1 must be a [host_dir, mountpoint] pair of paths");
    assertThatThrownBy(() -> YamlFields.volumes("volumes", "a: b\n")).hasMessageContaining("not a mapping");
  }

  @Test
  void dumpIsBlockStyleWithSortedKeysAndReadsBack() {
    Map<String, Object> m = YamlFields.config("config_yaml", Map.of("b", Map.of("z", 1, "y", "07"), "a", List.of("x")));
    String text = YamlFields.dump(m);
    assertThat(text).isEqualTo("a:\n- x\nb:\n  y: '07'\n  z: 1\n");
    assertThat(YamlFields.parseMapping("config_yaml", text)).isEqualTo(m);
    List<List<String>> vols = List.of(List.of("/a", "/b"));
    assertThat(YamlFields.parseVolumes("volumes", YamlFields.dump(vols))).isEqualTo(vols);
  }
}
