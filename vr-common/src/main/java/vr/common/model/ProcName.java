package vr.common.model;

import java.util.Optional;
import java.util.regex.Pattern;
import vr.common.InputException;

/**
 * A proc's name, {@code <app>-<version>-<config>-<hash>-<proc>-<port>}, e.g.
 * {@code node_example-v2-local-f96054b7-web-5003}. It names the supervisor program, the directory under
 * {@code /apps/procs} and the container, so no part may contain {@code -}.
 */
public record ProcName(String app, String version, String config, String hash, String proc, int port) {
  private static final Pattern PART = Pattern.compile("[^-/\\s\\x00]*");

  public ProcName {
    check("app_name", app);
    check("version", version);
    check("config_name", config);
    check("release_hash", hash);
    check("proc_name", proc);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, not " + port);
    }
    // The parameters, not format(): a compact constructor assigns the fields only after its body.
    int bytes = format(app, version, config, hash, proc, port).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > Names.MAX_BYTES) {
      // Named after the longest part, which is the one to shorten; the error must not repeat the whole name.
      String[] keys = {"app_name", "version", "config_name", "release_hash", "proc_name"};
      String[] parts = {app, version, config, hash, proc};
      int longest = 0;
      for (int i = 1; i < parts.length; i++) {
        if (n(parts[i]).length() > n(parts[longest]).length()) {
          longest = i;
        }
      }
      throw new IllegalArgumentException(keys[longest] + " " + InputException.quote(parts[longest])
          + " makes the proc name " + bytes + " bytes long; a file name may have at most " + Names.MAX_BYTES);
    }
  }

  private static void check(String key, String v) {
    if (v != null && !PART.matcher(v).matches()) {
      throw new IllegalArgumentException(key + " " + InputException.quote(v) + " may not contain '-', '/' or spaces (it is part of the proc name)");
    }
  }

  /** The name as supervisor, the filesystem and LXC see it. A missing part is empty. */
  public String format() {
    return format(app, version, config, hash, proc, port);
  }

  private static String format(String app, String version, String config, String hash, String proc, int port) {
    return String.join("-", n(app), n(version), n(config), n(hash), n(proc), Integer.toString(port));
  }

  private static String n(String s) {
    return s == null ? "" : s;
  }

  /** {@code <app>-<version>-<proc>}, the original's short name. */
  public String shortName() {
    return n(app) + "-" + n(version) + "-" + n(proc);
  }

  @Override
  public String toString() {
    return format();
  }

  /** Parses a VR proc name; empty for anything else (a non-VR program in supervisor). */
  public static Optional<ProcName> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String[] parts = name.split("-", -1);
    if (parts.length != 6 || !parts[5].matches("[0-9]{1,5}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcName(parts[0], parts[1], parts[2], parts[3], parts[4], Integer.parseInt(parts[5])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The original's {@code parse_name}: the fields {@code app_name, version, config_name, hash, proc_name,
   * port} of a VR name, or, for any other name, the name as app and proc with {@code UNKNOWN} version,
   * config and hash and port 0.
   */
  public static java.util.Map<String, Object> fields(String name) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    Optional<ProcName> p = parse(name);
    m.put("app_name", p.map(ProcName::app).orElse(name));
    m.put("version", p.map(ProcName::version).orElse("UNKNOWN"));
    m.put("config_name", p.map(ProcName::config).orElse("UNKNOWN"));
    m.put("hash", p.map(ProcName::hash).orElse("UNKNOWN"));
    m.put("proc_name", p.map(ProcName::proc).orElse(name));
    m.put("port", p.map(ProcName::port).orElse(0));
    return m;
  }
}
