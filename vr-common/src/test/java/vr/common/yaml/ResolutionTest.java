package vr.common.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.resolver.Resolver;

/** Resolution must give every plain scalar the tag SnakeYAML's Resolver gives it. */
class ResolutionTest {
  private static final Resolver RESOLVER = new Resolver();

  @Test
  void agreesWithTheResolverOnKnownForms() {
    List<String> known = List.of("", " ", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "no", "n",
        "y", "on", "off", "ON", "true", "false", "<<", "<", "<<<", "=", "!", "&", "*", "0", "-0", "+0", "00", "09",
        "0_", "0_7", "0b", "0b_", "0b1", "0b2", "0x", "0xG", "0x_f", "-0x1F", "1_000", "1__", "1:0", "1:60", "1:59",
        "1:5:3", "1::2", "0:30", "-1:30", "1:30.5", "1:30.", "1:3x", "1.", "1.e5", "1e5", "1E+5", "1e", "1_e5", "e5",
        ".5", "._", ".", "-.", "+.5e-3", ".inf", "-.inf", "+.Inf", ".INF", "-.nan", ".nan", ".NaN", ".nAn", "1.2.3",
        "-", "+", "2001-12-14", "2001-12-1", "2001-1-1", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
        "2001-12-14\t21:59:43", "2001-12-14T21:59:43Z", "2001-12-14T21:59:43 Z", "2001-12-14T21:59:43 ",
        "2001-12-14T1:59:43+05:30", "2001-12-14T1:59:43+05:3", "2001-12-14 1:59:4", "2002-12-14x", "12345-1-1",
        "v1", "web", "sleep 1", "@How's it going?", "5000", "99999999999999999999999", "1" + "0".repeat(1030));
    for (String v : known) {
      assertThat(Resolution.of(v)).as("'%s'", v).isEqualTo(RESOLVER.resolve(NodeId.scalar, v, true).getValue());
    }
  }

  @Test
  void agreesWithTheResolverOnRandomScalars() {
    Random r = new Random(20261125);
    String alphabet = "0123456789_.:-+eExXbBoOTtZ \tinfaINFANyesnoul~<!&*";
    String[] pieces = {"2001", "12", "1", "-", "-", "T", "t", " ", "\t", ":", ":", "30", "5", "59", "60", ".", "0",
        "Z", "+", "_", "e", "E", "0b", "0x", "1f", ".inf", ".nan", "7", "8"};
    List<String> samples = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(14);
      for (int k = 0; k < len; k++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      samples.add(b.toString());
      b.setLength(0);
      len = 1 + r.nextInt(10);
      for (int k = 0; k < len; k++) {
        b.append(pieces[r.nextInt(pieces.length)]);
      }
      samples.add(b.toString());
      samples.add(mutate(r, timestamp(r)));
    }
    int timestamps = 0;
    int numbers = 0;
    for (String v : samples) {
      var expected = RESOLVER.resolve(NodeId.scalar, v, true);
      assertThat(Resolution.of(v)).as("'%s'", v).isEqualTo(expected.getValue());
      timestamps += expected.getValue().endsWith("timestamp") ? 1 : 0;
      numbers += expected.getValue().endsWith("int") || expected.getValue().endsWith("float") ? 1 : 0;
    }
    // The generators reach every kind, not just strings.
    assertThat(timestamps).isGreaterThan(10_000);
    assertThat(numbers).isGreaterThan(1000);
  }

  /** A date, or a date and time in one of the forms YAML 1.1 allows. */
  private static String timestamp(Random r) {
    StringBuilder b = new StringBuilder(digits(r, 4)).append('-').append(digits(r, 1 + r.nextInt(2))).append('-')
        .append(digits(r, 1 + r.nextInt(2)));
    if (r.nextBoolean()) {
      return b.toString();
    }
    b.append(new String[] {"T", "t", " ", "\t", "  "}[r.nextInt(5)]).append(digits(r, 1 + r.nextInt(2))).append(':')
        .append(digits(r, 2)).append(':').append(digits(r, 2));
    if (r.nextBoolean()) {
      b.append('.').append(digits(r, r.nextInt(4)));
    }
    switch (r.nextInt(4)) {
      case 0 -> b.append(r.nextBoolean() ? "Z" : " Z");
      case 1 -> b.append(r.nextBoolean() ? " " : "").append(r.nextBoolean() ? '-' : '+').append(digits(r, 1 + r.nextInt(2)))
          .append(r.nextBoolean() ? ":" + digits(r, 2) : "");
      default -> { }
    }
    return b.toString();
  }

  /** Sometimes one character deleted, doubled or replaced: near misses. */
  private static String mutate(Random r, String s) {
    if (s.isEmpty() || r.nextInt(3) == 0) {
      return s;
    }
    int i = r.nextInt(s.length());
    return switch (r.nextInt(3)) {
      case 0 -> s.substring(0, i) + s.substring(i + 1);
      case 1 -> s.substring(0, i + 1) + s.substring(i);
      default -> s.substring(0, i) + "0-:T .Z+x".charAt(r.nextInt(9)) + s.substring(i + 1);
    };
  }

  private static String digits(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('0' + r.nextInt(10)));
    }
    return b.toString();
  }
}
