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
  void anchorsAndAliasesWork() {
    YamlMap m = Yaml.parse("base: &b {a: 1, l: &l [x, y]}\ncopy: *b\nlist: *l\nname: &n web\n*n : again\nsame: *n\n", F);
    assertThat(m.asMap().get("copy")).isEqualTo(m.asMap().get("base"));
    assertThat(m.list("list")).containsExactly("x", "y");
    assertThat(m.asMap()).containsEntry("web", "again").containsEntry("same", "web");
  }

  @Test
  void aliasesCannotRecurseOrMultiplyWithoutLimit() {
    assertThatThrownBy(() -> Yaml.parse("a: &x [1, *x]\n", F))
        .hasMessage("x.yaml line 1: malformed YAML: alias *x refers to a collection that contains it");
    assertThatThrownBy(() -> Yaml.parse("a: *nope\n", F)).hasMessage("x.yaml line 1: malformed YAML: found undefined alias nope");
    StringBuilder laughs = new StringBuilder("l0: &l0 [a, a]\n");
    for (int i = 1; i <= 9; i++) {
      laughs.append("l").append(i).append(": &l").append(i).append(" [");
      laughs.append(("*l" + (i - 1) + ", ").repeat(9)).append("*l").append(i - 1).append("]\n");
    }
    assertThatThrownBy(() -> Yaml.parse(laughs.toString(), F)).hasMessageContaining("aliases repeat more than 1048576 characters");
    assertThatThrownBy(() -> Yaml.parse("l: &l [1]\nm: [" + "*l, ".repeat(50) + "*l]\n", F))
        .hasMessageContaining("more than 50 aliases to collections");
    assertThatThrownBy(() -> Yaml.parse("a: " + "[".repeat(60) + "]".repeat(60) + "\n", F))
        .hasMessageContaining("nested more than 50 levels deep");
  }

  @Test
  void oneDocumentOfPlainCollections() {
    assertThatThrownBy(() -> Yaml.parse("a: 1\n---\nb: 2\n", F)).hasMessage("x.yaml line 2: expected a single document, but found another");
    assertThatThrownBy(() -> Yaml.parse("a: !!python/object:os.system {x: 1}\n", F))
        .hasMessage("x.yaml line 1: cannot read a collection tagged tag:yaml.org,2002:python/object:os.system");
    assertThatThrownBy(() -> Yaml.parse("[a, b]: 1\n", F)).hasMessage("x.yaml line 1: keys must be plain strings");
    assertThat(Yaml.parse("", F).asMap()).isEmpty();
    assertThat(Yaml.parse("# only a comment\n", F).asMap()).isEmpty();
    assertThat(Yaml.parse("a: !!set {x, y}\nq: \"5\"\n", F).asMap()).containsEntry("q", "5").containsKey("a");
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

  @Test
  void parseValueReadsAListAScalarOrNothing() {
    assertThat(Yaml.parseValue("- [/a, /b]\n- [/c, /d]\n", F)).isEqualTo(java.util.List.of(java.util.List.of("/a", "/b"),
        java.util.List.of("/c", "/d")));
    assertThat(Yaml.parseValue("5000", F)).isEqualTo(5000L);
    assertThat(Yaml.parseValue("", F)).isNull();
    assertThat(Yaml.parseValue("a: {b: 1}", F)).isEqualTo(Map.of("a", Map.of("b", 1L)));
  }

  @Test
  void parseValueKeepsTheLimitsOfParse() {
    assertThatThrownBy(() -> Yaml.parseValue("- 1\n---\n- 2\n", F)).hasMessage("x.yaml line 2: expected a single document, but found another");
    assertThatThrownBy(() -> Yaml.parseValue("- !python/int 5\n", F)).hasMessage("x.yaml line 1: value: cannot read a value tagged !python/int");
    assertThatThrownBy(() -> Yaml.parseValue("a: 1\na: 2\n", F)).hasMessage("x.yaml line 2: a appears twice");
  }

  @Test
  void dumpValueWritesAListInBlockStyle() {
    assertThat(Yaml.dumpValue(java.util.List.of(java.util.List.of("/a", "/b")))).isEqualTo("- - /a\n  - /b\n");
  }
}
