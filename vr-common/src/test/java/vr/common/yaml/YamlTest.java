package vr.common.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.InputException;

class YamlTest {
  private static final Path F = Path.of("x.yaml");

  @Test
  void malformedYamlNamesLine() {
    assertThatThrownBy(() -> Yaml.parse("a: 1\nb: [unclosed\nc: 3\n", F))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("x.yaml line ")
        .hasMessageContaining("malformed YAML");
  }

  @Test
  void topLevelMustBeMapping() {
    assertThatThrownBy(() -> Yaml.parse("- a\n- b\n", F)).hasMessage("x.yaml line 1: must be a mapping of keys to values");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(() -> Yaml.parse("a: 1\na: 2\n", F)).hasMessage("x.yaml line 2: a appears twice");
  }

  @Test
  void aValueWithATagWeCannotReadNamesLineAndKey() {
    assertThatThrownBy(() -> Yaml.parse("a: 1\nport: !python/int 5\n", F)).isInstanceOf(InputException.class)
        .hasMessage("x.yaml line 2: port: cannot read a value tagged !python/int");
    assertThatThrownBy(() -> Yaml.parse("env:\n  A: !!int twelve\n", F))
        .hasMessage("x.yaml line 2: A: 'twelve' is not an integer");
  }

  @Test
  void readsScalarsAsPyYamlDid() {
    YamlMap m = Yaml.parse("port: 5000\nbig: 99999999999\nratio: 0.5\non: yes\nnone: ~\nv: '9.0'\nd: 2001-12-14\n", F);
    assertThat(m.asMap()).containsEntry("port", 5000L).containsEntry("big", 99999999999L)
        .containsEntry("ratio", 0.5).containsEntry("on", true).containsEntry("none", null)
        .containsEntry("v", "9.0").containsEntry("d", "2001-12-14");
  }

  @Test
  void missingFileIsInputError() {
    assertThatThrownBy(() -> Yaml.load(Path.of("/nonexistent/dir/proc.yaml"))).hasMessage("proc.yaml: no such file");
  }

  @Test
  void emptyFileIsEmptyMapping() {
    assertThat(Yaml.parse("", F).keys()).isEmpty();
  }

  @Test
  void typesAreResolvedLikeYaml11() {
    YamlMap m = Yaml.parse("i: 5\nf: 1.5\nb: true\nn: ~\ns: '5'\nd: 2024-01-01\n", F);
    assertThat(m.get("i")).isEqualTo(5L);
    assertThat(m.get("f")).isEqualTo(1.5);
    assertThat(m.get("b")).isEqualTo(true);
    assertThat(m.get("n")).isNull();
    assertThat(m.get("s")).isEqualTo("5");
    assertThat(m.get("d")).isEqualTo("2024-01-01");
  }

  @Test
  void dumpQuotesSpecialStrings() {
    String out = Yaml.dump(Map.of("z", "@How's it going?", "a", "yes", "m", "5"));
    YamlMap back = Yaml.parse(out, F);
    assertThat(back.get("z")).isEqualTo("@How's it going?");
    assertThat(back.get("a")).isEqualTo("yes");
    assertThat(back.get("m")).isEqualTo("5");
    assertThat(out.indexOf("a:")).isLessThan(out.indexOf("m:"));
  }
}
