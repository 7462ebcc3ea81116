package vr.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import vr.common.InputException;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * The server's settings: a YAML file ({@code --config FILE} or {@code APP_SETTINGS_YAML}) with the original's
 * names where they apply (reference 7.1), plus the database, data directory, listen address and SSH access.
 * Secrets never come from the command line: {@code DATABASE_PASSWORD}, the Redis URL's password and keys come
 * from the environment or files. Unknown keys are refused naming file and line, so a typo is not ignored.
 */
public record ServerSettings(
    String bind, int port, Path dataDir, String databaseUrl, String databaseUser, String databasePassword,
    String redisUrl, Map<String, Object> balancers, int portRangeStart, int portRangeEnd,
    String eventsChannel, String eventsBufferKey, int eventsBufferLength, String procEventsChannel,
    int buildExpirationDays, int buildExpirationCount, int apiLimitPerPage,
    String sshUser, Path sshKey, Path sshKnownHosts, boolean sshSudo,
    String siteTitle, String fileStore, String buildHost, String publicUrl, int buildTimeoutSeconds,
    HostTools hostTools, JobSettings jobs) {

  /**
   * Where the suite's pieces are on every app host (and the build host): {@code VRUN}, {@code VBUILD},
   * {@code SUPERVISOR_SOCKET} and {@code SUPERVISOR_INCLUDE_DIR}. The defaults are where the Debian packages
   * put them. In the socket and include folder, {@code {host}} stands for the host's name, for hosts that
   * share one file system (the lab: {@code scripts/lab status --json} names each host's).
   */
  public record HostTools(String vrun, String vbuild, String supervisorSocket, String supervisorIncludeDir) {
    public static final HostTools PACKAGED = new HostTools("/usr/bin/vrun", "vbuild", "/var/run/supervisor.sock",
        "/etc/supervisor/conf.d");

    /** The socket of one host. */
    public String socket(String host) {
      return supervisorSocket.replace("{host}", host);
    }

    /** The include folder of one host. */
    public String includeDir(String host) {
      return supervisorIncludeDir.replace("{host}", host);
    }
  }

  static final Set<String> KEYS = Set.of("BIND", "PORT", "DATA_DIR", "DATABASE_URL", "DATABASE_USER",
      "DATABASE_PASSWORD_FILE", "REDIS_URL", "EVENTS_PUBSUB_URL", "BALANCERS", "PORT_RANGE_START", "PORT_RANGE_END",
      "EVENTS_PUBSUB_CHANNEL", "EVENTS_BUFFER_KEY", "EVENTS_BUFFER_LENGTH", "PROC_EVENTS_CHANNEL",
      "BUILD_EXPIRATION_DAYS", "BUILD_EXPIRATION_COUNT", "API_LIMIT_PER_PAGE", "DEPLOY_USER", "SSH_KEY",
      "SSH_KNOWN_HOSTS", "SSH_SUDO", "SUPERVISOR_SOCKET", "SITE_TITLE", "FILE_STORE",
      "BUILD_HOST", "PUBLIC_URL", "BUILD_TIMEOUT", "VRUN", "VBUILD", "SUPERVISOR_INCLUDE_DIR",
      "JOB_HEARTBEAT", "SCHEDULES", "PORT_LOCK_MAX_AGE", "HOST_SETUP", "HOST_DEADLINE");

  /** {@code $VR_DATA_DIR}, else /var/lib/vr-server for root, else ~/.vr-server. */
  public static Path defaultDataDir(Map<String, String> env) {
    if (env.containsKey("VR_DATA_DIR")) {
      return Path.of(env.get("VR_DATA_DIR"));
    }
    return "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/vr-server")
        : Path.of(env.getOrDefault("HOME", "."), ".vr-server");
  }

  /** The settings file named by {@code --config}, else {@code $APP_SETTINGS_YAML}, else none. */
  public static Path file(Path option, Map<String, String> env) {
    if (option != null) {
      return option;
    }
    String e = env.get("APP_SETTINGS_YAML");
    return e == null || e.isBlank() ? null : Path.of(e);
  }

  /** Settings from {@code file} (may be null: all defaults) and the environment. */
  public static ServerSettings load(Path file, Map<String, String> env) {
    YamlMap y = file == null ? YamlMap.empty(Path.of("(defaults)")) : Yaml.load(file);
    for (String k : y.keys()) {
      if (!KEYS.contains(k)) {
        throw y.error(k, "unknown setting; known: " + String.join(", ", new java.util.TreeSet<>(KEYS)));
      }
    }
    Path dataDir = Path.of(str(y, "DATA_DIR", defaultDataDir(env).toString()));
    String redis = str(y, "REDIS_URL", str(y, "EVENTS_PUBSUB_URL", env.getOrDefault("REDIS_URL", "redis://localhost:6379")));
    String dbPassword = env.get("VR_DATABASE_PASSWORD");
    String pwFile = str(y, "DATABASE_PASSWORD_FILE", env.get("VR_DATABASE_PASSWORD_FILE"));
    if (dbPassword == null && pwFile != null) {
      try {
        dbPassword = Files.readString(Path.of(pwFile)).strip();
      } catch (java.io.IOException e) {
        throw y.error("DATABASE_PASSWORD_FILE", "cannot read " + pwFile + ": " + e.getMessage());
      }
    }
    int start = integer(y, "PORT_RANGE_START", 5000);
    int end = integer(y, "PORT_RANGE_END", 6000);
    if (start < 1 || end > 65536 || start >= end) {
      throw y.error("PORT_RANGE_START", "PORT_RANGE_START must be below PORT_RANGE_END, within 1-65535");
    }
    Map<String, Object> balancers = y.has("BALANCERS") ? y.map("BALANCERS") : new LinkedHashMap<>();
    String home = env.getOrDefault("HOME", "/root");
    return new ServerSettings(
        str(y, "BIND", "127.0.0.1"), integer(y, "PORT", 8000), dataDir,
        str(y, "DATABASE_URL", env.get("VR_DATABASE_URL")), str(y, "DATABASE_USER", env.get("VR_DATABASE_USER")), dbPassword,
        redis, balancers, start, end,
        str(y, "EVENTS_PUBSUB_CHANNEL", "vr2_events"), str(y, "EVENTS_BUFFER_KEY", "vr2_events_buffer"),
        integer(y, "EVENTS_BUFFER_LENGTH", 100), str(y, "PROC_EVENTS_CHANNEL", "proc_events"),
        integer(y, "BUILD_EXPIRATION_DAYS", 30), integer(y, "BUILD_EXPIRATION_COUNT", 10),
        integer(y, "API_LIMIT_PER_PAGE", 100),
        str(y, "DEPLOY_USER", "root"), Path.of(str(y, "SSH_KEY", home + "/.ssh/id_ed25519")),
        Path.of(str(y, "SSH_KNOWN_HOSTS", home + "/.ssh/known_hosts")), bool(y, "SSH_SUDO", false),
        str(y, "SITE_TITLE", "Velociraptor"),
        fileStore(y), str(y, "BUILD_HOST", "localhost"), str(y, "PUBLIC_URL", null), positive(y, "BUILD_TIMEOUT", 1800),
        hostTools(y), JobSettings.load(y));
  }

  public ServerSettings withListen(String newBind, Integer newPort, Path newDataDir) {
    return new ServerSettings(newBind == null ? bind : newBind, newPort == null ? port : newPort,
        newDataDir == null ? dataDir : newDataDir, databaseUrl, databaseUser, databasePassword, redisUrl, balancers,
        portRangeStart, portRangeEnd, eventsChannel, eventsBufferKey, eventsBufferLength, procEventsChannel,
        buildExpirationDays, buildExpirationCount, apiLimitPerPage, sshUser, sshKey, sshKnownHosts, sshSudo,
        siteTitle, fileStore, buildHost, publicUrl, buildTimeoutSeconds, hostTools, jobs);
  }

  public ServerSettings withDatabase(String url) {
    return new ServerSettings(bind, port, dataDir, url, databaseUser, databasePassword, redisUrl, balancers,
        portRangeStart, portRangeEnd, eventsChannel, eventsBufferKey, eventsBufferLength, procEventsChannel,
        buildExpirationDays, buildExpirationCount, apiLimitPerPage, sshUser, sshKey, sshKnownHosts, sshSudo,
        siteTitle, fileStore, buildHost, publicUrl, buildTimeoutSeconds, hostTools, jobs);
  }

  public ServerSettings withRedis(String url) {
    return new ServerSettings(bind, port, dataDir, databaseUrl, databaseUser, databasePassword, url, balancers,
        portRangeStart, portRangeEnd, eventsChannel, eventsBufferKey, eventsBufferLength, procEventsChannel,
        buildExpirationDays, buildExpirationCount, apiLimitPerPage, sshUser, sshKey, sshKnownHosts, sshSudo,
        siteTitle, fileStore, buildHost, publicUrl, buildTimeoutSeconds, hostTools, jobs);
  }

  /**
   * The server's base URL as hosts reach it, for the signed URLs it hands out (the build host fetches the stack
   * image there): {@code PUBLIC_URL}, else {@code http://<BIND>:<PORT>}.
   */
  public String publicBaseUrl() {
    return publicUrl != null ? publicUrl : "http://" + bind + ":" + port;
  }

  /** The JDBC URL in use: the configured one, or the embedded H2 file in the data directory. */
  public String jdbcUrl() {
    return databaseUrl != null ? databaseUrl : vr.server.store.Database.h2Url(dataDir);
  }

  /**
   * Where builds and images are kept: {@code dir} (the data directory; the default) or {@code database} (rows
   * in the shared database, so several server processes serve the same files).
   */
  private static String fileStore(YamlMap y) {
    String v = str(y, "FILE_STORE", "dir");
    if (!v.equals("dir") && !v.equals("database")) {
      throw y.error("FILE_STORE", "must be dir or database (got '" + v + "')");
    }
    return v;
  }

  private static HostTools hostTools(YamlMap y) {
    HostTools d = HostTools.PACKAGED;
    String vrun = str(y, "VRUN", d.vrun());
    if (!vrun.startsWith("/") || vrun.matches(".*\\s.*")) {
      throw y.error("VRUN", "must be an absolute path with no spaces (got '" + vrun + "')");
    }
    String vbuild = str(y, "VBUILD", d.vbuild());
    if (vbuild.isBlank() || vbuild.contains("\n")) {
      throw y.error("VBUILD", "must be one line: the command that runs vbuild on the build host");
    }
    String socket = str(y, "SUPERVISOR_SOCKET", d.supervisorSocket());
    String include = str(y, "SUPERVISOR_INCLUDE_DIR", d.supervisorIncludeDir());
    for (String[] kv : new String[][] {{"SUPERVISOR_SOCKET", socket}, {"SUPERVISOR_INCLUDE_DIR", include}}) {
      if (!kv[1].startsWith("/")) {
        throw y.error(kv[0], "must be an absolute path (got '" + kv[1] + "')");
      }
    }
    return new HostTools(vrun, vbuild, socket, include);
  }

  private static String str(YamlMap y, String key, String dflt) {
    String s = y.string(key);
    return s == null ? dflt : s;
  }

  private static int integer(YamlMap y, String key, int dflt) {
    Integer i = y.integer(key);
    return i == null ? dflt : i;
  }

  private static int positive(YamlMap y, String key, int dflt) {
    int i = integer(y, key, dflt);
    if (i < 1) {
      throw y.error(key, "must be a positive number of seconds");
    }
    return i;
  }

  private static boolean bool(YamlMap y, String key, boolean dflt) {
    Object v = y.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw y.error(key, "must be true or false");
  }
}
