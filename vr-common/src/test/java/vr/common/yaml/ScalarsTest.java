package vr.common.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/** Scalars must read every plain scalar as SnakeYAML's SafeConstructor does (which the loader used before). */
class ScalarsTest {
  private static final List<String> PLAIN = List.of(
      // integers in every YAML 1.1 form
      "0", "-0", "+0", "7", "-7", "+7", "5000", "1_000_000", "0b1010", "-0b1_0", "0x1F", "0xdead_BEEF", "-0x10",
      "017", "0_17", "-017", "190:20:30", "-1:00", "2147483647", "2147483648", "-2147483649",
      "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
      "0x7fffffffffffffff", "0x8000000000000000",
      // floats
      "1.0", "-1.5", "+2.5", "6.8523015e+5", "685.230_15e+03", "685_230.15", "1.5e3", "190:20:30.15", ".inf",
      "-.Inf", "+.INF", ".nan", ".NaN", "9.0", "0.0", "-0.0",
      // booleans, nulls
      "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
      "off", "Off", "OFF", "~", "null", "Null", "NULL", "",
      // timestamps and strings
      "2001-12-14t21:59:43.10-05:00", "2002-12-14", "2001-12-14 21:59:43.10 -5", "hello", "y", "n", "0o17",
      "1.2.3", "v1", "@How's it going?", "0x", "1e3", "12:34:56:78");

  @Test
  void readsEveryPlainScalarAsSafeConstructorDoes() {
    Resolver resolver = new Resolver();
    Oracle oracle = new Oracle();
    for (String text : PLAIN) {
      Tag tag = resolver.resolve(NodeId.scalar, text, true);
      Object expected = oracle.value(new ScalarNode(tag, text, null, null, DumperOptions.ScalarStyle.PLAIN));
      assertThat(Scalars.value(tag.getValue(), text)).as("%s (%s)", text, tag).isEqualTo(expected);
    }
  }

  @Test
  void refusesTagsItCannotRead() {
    assertThatThrownBy(() -> Scalars.value("!custom", "x"))
        .hasMessage("cannot read a value tagged !custom");
    assertThatThrownBy(() -> Scalars.value(Tag.MERGE.getValue(), "<<"))
        .hasMessage("cannot read a value tagged tag:yaml.org,2002:merge");
    assertThatThrownBy(() -> Scalars.value(Tag.INT.getValue(), "twelve")).hasMessage("'twelve' is not an integer");
    assertThatThrownBy(() -> Scalars.value(Tag.FLOAT.getValue(), "x.5")).hasMessage("'x.5' is not a number");
    assertThatThrownBy(() -> Scalars.value(Tag.BOOL.getValue(), "maybe")).hasMessage("'maybe' is not a boolean");
  }

  @Test
  void keepsExplicitStringsAsText() {
    assertThat(Scalars.value(Tag.STR.getValue(), "5000")).isEqualTo("5000");
    assertThat(Scalars.value(Tag.BINARY.getValue(), "aGVsbG8=")).isEqualTo("aGVsbG8=");
  }

  /** SafeConstructor's result, normalised as the loader always did: Integer to Long, dates as text. */
  private static final class Oracle extends SafeConstructor {
    Oracle() {
      super(new LoaderOptions());
    }

    Object value(ScalarNode n) {
      Object v = constructObject(n);
      if (v instanceof Integer i) {
        return i.longValue();
      }
      if (v instanceof Date || v instanceof byte[]) {
        return n.getValue();
      }
      return v;
    }
  }
}
