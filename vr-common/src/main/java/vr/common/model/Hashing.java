package vr.common.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Build and release hashes, byte-for-byte as the original's {@code make_hash}: the md5 of the
 * concatenated {@code json.dumps(arg, sort_keys=True)} of each argument (Python's default separators,
 * {@code ensure_ascii}, sets as sorted lists, bytes decoded as latin-1).
 */
public final class Hashing {
  private Hashing() {}

  public static String makeHash(Object... args) {
    MessageDigest md = md5();
    for (Object a : args) {
      md.update(serialize(a).getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The release hash: the first 8 hex digits of make_hash over the release's parts. */
  public static String releaseHash(String buildHash, Object config, Object env, Object volumes, String runAs,
      String memLimit, String memswLimit) {
    return makeHash(buildHash, config, env, volumes, runAs, memLimit, memswLimit).substring(0, 8);
  }

  /** The build hash: make_hash of the build's file md5 and its OS image's md5 (or null). */
  public static String buildHash(String buildFileMd5, String imageFileMd5) {
    return makeHash(buildFileMd5, imageFileMd5);
  }

  public static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String md5Hex(String text) {
    return HexFormat.of().formatHex(md5().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Python's {@code json.dumps(ob, sort_keys=True)}. */
  public static String serialize(Object ob) {
    StringBuilder sb = new StringBuilder();
    write(sb, ob);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object o) {
    if (o == null) {
      sb.append("null");
    } else if (o instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof java.math.BigInteger) {
      sb.append(o);
    } else if (o instanceof Double || o instanceof Float || o instanceof BigDecimal) {
      sb.append(pythonFloat(((Number) o).doubleValue()));
    } else if (o instanceof CharSequence s) {
      string(sb, s.toString());
    } else if (o instanceof byte[] bytes) {
      string(sb, new String(bytes, StandardCharsets.ISO_8859_1));
    } else if (o instanceof Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        string(sb, e.getKey());
        sb.append(": ");
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (o instanceof Set<?> s) {
      List<Object> l = new ArrayList<>(s);
      l.sort((a, b) -> serialize(a).compareTo(serialize(b)));
      write(sb, l);
    } else if (o instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object x : c) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        write(sb, x);
      }
      sb.append(']');
    } else if (o instanceof Object[] arr) {
      write(sb, List.of(arr));
    } else {
      string(sb, o.toString());
    }
  }

  private static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return String.format("%.1f", d);
    }
    return Double.toString(d);
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
