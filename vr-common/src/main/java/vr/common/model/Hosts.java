package vr.common.model;

/**
 * The syntax of a host as the suite accepts it from configuration and arguments: a DNS name or IPv4 address
 * (labels of letters, digits, {@code -} and {@code _}, not starting with {@code -}), or an IPv6 address, bare
 * or in brackets. Nothing else: a host reaches SSH, balancer config files and command lines, where a space, a
 * leading {@code -} (an option), a control character or a shell metacharacter would change their meaning.
 */
public final class Hosts {
  /** The longest DNS name. */
  static final int MAX_CHARS = 253;

  private Hosts() {}

  /** What is wrong with {@code host}, or null when it is a valid host name or address. */
  public static String problem(String host) {
    if (host == null || host.isEmpty()) {
      return "is empty";
    }
    if (host.length() > MAX_CHARS) {
      return "is longer than " + MAX_CHARS + " characters";
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.indexOf(':') >= 0) {
      return ipv6(h) ? null : "is not a valid IPv6 address";
    }
    if (h != host) {
      return "is not a valid IPv6 address";
    }
    int label = 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c == '.') {
        if (label == 0) {
          return "has an empty label";
        }
        label = 0;
        continue;
      }
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || (c == '-' && label > 0);
      if (!ok) {
        return c == '-' ? "must not start a name or label with '-'"
            : "may contain only letters, digits, '-', '_' and '.' (a host name) or be an IP address";
      }
      if (++label > 63) {
        return "has a label longer than 63 characters";
      }
    }
    return null;
  }

  /** Hex groups and colons (with an embedded IPv4 tail and a {@code %zone} allowed); at least two colons. */
  private static boolean ipv6(String h) {
    int zone = h.indexOf('%');
    String addr = zone >= 0 ? h.substring(0, zone) : h;
    if (zone >= 0) {
      String z = h.substring(zone + 1);
      if (z.isEmpty() || !z.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')
          || z.startsWith("-")) {
        return false;
      }
    }
    int colons = 0;
    for (int i = 0; i < addr.length(); i++) {
      char c = addr.charAt(i);
      if (c == ':') {
        colons++;
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.')) {
        return false;
      }
    }
    return colons >= 2 && colons <= 7 && addr.length() <= 45;
  }
}
