package vr.common.yaml;

import java.math.BigInteger;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.Tag;
import vr.common.InputException;

/**
 * The value of one YAML 1.1 scalar, given the tag SnakeYAML's resolver gave it: what its SafeConstructor
 * would make, with integers widened to {@code Long} (or {@code BigInteger} past its range), and timestamps
 * and binaries kept as their text. Done here rather than through a constructor because making one costs a
 * fifth of a proc start (it sets up SnakeYAML's logging and bean machinery); {@code ScalarsTest} holds
 * this to SafeConstructor's results.
 */
final class Scalars {
  // YAML's own tags as text: SnakeYAML's Tag class is not used on this path, because making its first
  // instance compiles a regular expression and spins up method handles (~10 ms).
  static final String STR = Tag.PREFIX + "str";
  static final String NULL = Tag.PREFIX + "null";
  static final String BOOL = Tag.PREFIX + "bool";
  static final String INT = Tag.PREFIX + "int";
  static final String FLOAT = Tag.PREFIX + "float";
  static final String TIMESTAMP = Tag.PREFIX + "timestamp";
  static final String BINARY = Tag.PREFIX + "binary";
  static final String MERGE = Tag.PREFIX + "merge";
  static final String YAML = Tag.PREFIX + "yaml";

  private Scalars() {}

  /** The value of a scalar with the tag {@code tag}; an IllegalArgumentException says why there is none. */
  static Object value(String tag, String text) {
    switch (tag) {
      case STR, TIMESTAMP, BINARY:
        return text;
      case NULL:
        return null;
      case BOOL:
        return bool(text);
      case INT:
        return integer(text);
      case FLOAT:
        return floating(text);
      default:
        throw new IllegalArgumentException("cannot read a value tagged " + tag);
    }
  }

  static Boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "yes", "true", "on" -> Boolean.TRUE;
      case "no", "false", "off" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException(InputException.quote(text) + " is not a boolean");
    };
  }

  /** YAML 1.1 integers: sign, underscores, 0b binary, 0x hex, leading-0 octal, base-60 with colons. */
  static Number integer(String text) {
    String v = text.replace("_", "");
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty integer");
    }
    boolean negative = v.charAt(0) == '-';
    if (negative || v.charAt(0) == '+') {
      v = v.substring(1);
    }
    BigInteger n;
    try {
      if (v.equals("0")) {
        n = BigInteger.ZERO;
      } else if (v.startsWith("0b")) {
        n = new BigInteger(v.substring(2), 2);
      } else if (v.startsWith("0x")) {
        n = new BigInteger(v.substring(2), 16);
      } else if (v.startsWith("0")) {
        n = new BigInteger(v.substring(1), 8);
      } else if (v.indexOf(':') >= 0) {
        n = BigInteger.ZERO;
        for (String part : v.split(":")) {
          n = n.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
        }
      } else {
        n = new BigInteger(v);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(InputException.quote(text) + " is not an integer");
    }
    if (negative) {
      n = n.negate();
    }
    return n.bitLength() < 64 ? (Number) n.longValue() : n;
  }

  /** YAML 1.1 floats: sign, underscores, .inf, .nan, base-60 with colons. */
  static Double floating(String text) {
    String v = text.replace("_", "").toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty number");
    }
    int sign = 1;
    if (v.charAt(0) == '-' || v.charAt(0) == '+') {
      sign = v.charAt(0) == '-' ? -1 : 1;
      v = v.substring(1);
    }
    try {
      if (v.equals(".inf")) {
        return sign * Double.POSITIVE_INFINITY;
      }
      if (v.equals(".nan")) {
        return Double.NaN;
      }
      if (v.indexOf(':') >= 0) {
        double d = 0;
        for (String part : v.split(":")) {
          d = d * 60 + Double.parseDouble(part);
        }
        return sign * d;
      }
      return sign * Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(InputException.quote(text) + " is not a number");
    }
  }
}
