package vr.common.repo;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A repository URL that git reaches over SSH: {@code ssh://[user@]host[:port]/path} (also {@code git+ssh://} and
 * {@code ssh+git://}) or git's scp-like {@code [user@]host:path}. Anything else (a local path, {@code file://},
 * {@code http(s)://}, {@code git://}) is not one, and {@link #parse} says so, so that those keep their own ways.
 *
 * @param user the login user, or null to take it from the ssh config or the local user
 * @param host the host name or address as written (an IPv6 address without brackets)
 * @param port the port, or -1 when the URL names none (the ssh config's {@code Port}, else 22)
 * @param path the path on the server as git sends it ({@code ~/x} or {@code x} relative to the login's home)
 */
public record SshUrl(String user, String host, int port, String path) {
  private static final Pattern SCHEME = Pattern.compile("^(ssh|git\\+ssh|ssh\\+git)://([^/]*)(/.*)?$", Pattern.CASE_INSENSITIVE);
  // userinfo (a password is accepted only to be dropped), then [ipv6] or a name, then :port
  private static final Pattern AUTHORITY = Pattern.compile("^(?:([^@:]*)(?::[^@]*)?@)?(\\[[^\\]]+\\]|[^:@\\[\\]]+)(?::(\\d{0,5}))?$");
  private static final Pattern SCP = Pattern.compile("^(?:([^@/:]+)@)?(\\[[^\\]/]+\\]|[^/:\\[\\]@]+):(.+)$");

  /** The SSH location {@code url} names (without its {@code #fragment}), or empty when git would not use SSH for it. */
  public static Optional<SshUrl> parse(String url) {
    String u = Repo.withoutFragment(url);
    Matcher m = SCHEME.matcher(u);
    if (m.matches()) {
      Matcher a = AUTHORITY.matcher(m.group(2));
      if (!a.matches()) {
        return Optional.empty();
      }
      int port = -1;
      if (a.group(3) != null && !a.group(3).isEmpty()) {
        port = Integer.parseInt(a.group(3));
        if (port < 1 || port > 65535) {
          return Optional.empty();
        }
      }
      String path = m.group(3) == null ? "/" : m.group(3);
      // ssh://host/~/x and ssh://host/~user/x are relative to a home directory, as in git
      if (path.startsWith("/~")) {
        path = path.substring(1);
      }
      return Optional.of(new SshUrl(emptyToNull(a.group(1)), unbracket(a.group(2)), port, path));
    }
    if (u.contains("://")) {
      return Optional.empty();
    }
    Matcher s = SCP.matcher(u);
    if (!s.matches()) {
      return Optional.empty();
    }
    return Optional.of(new SshUrl(s.group(1), unbracket(s.group(2)), -1, s.group(3)));
  }

  /** True when git reaches {@code url} over SSH. */
  public static boolean isSsh(String url) {
    return parse(url).isPresent();
  }

  /** {@code host} or {@code host:port}, as errors name the server (never a user or password). */
  public String label() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return port < 0 ? h : h + ":" + port;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
