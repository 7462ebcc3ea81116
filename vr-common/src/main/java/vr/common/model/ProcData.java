package vr.common.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vr.common.InputException;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * A proc.yaml: everything a runner needs to lay out and run one proc (one process type of one release on
 * one host and port). Every key is optional for compatibility with the original, except that a proc needs
 * {@code proc_name} (legacy {@code proc}) or {@code cmd}. Unknown keys are kept and written back.
 */
public record ProcData(
    String appName,
    String appRepoUrl,
    String appRepoType,
    String buildpackUrl,
    String buildpackVersion,
    String configName,
    Map<String, Object> env,
    String host,
    Integer port,
    String version,
    String releaseHash,
    Map<String, Object> settings,
    String user,
    String group,
    String procName,
    String cmd,
    String appFolder,
    String buildUrl,
    String buildMd5,
    String imageUrl,
    String imageName,
    String imageMd5,
    List<Volume> volumes,
    String memLimit,
    String memswLimit,
    Integer pidsLimit,
    Integer cpuShares,
    Map<String, Object> extra) {

  /** The keys this model knows, as written in proc.yaml. */
  public static final Set<String> KEYS =
      Set.of("app_name", "app_repo_url", "app_repo_type", "buildpack_url", "buildpack_version", "config_name", "env",
          "host", "port", "version", "release_hash", "settings", "user", "group", "proc_name", "proc", "cmd",
          "app_folder", "build_url", "build_md5", "image_url", "image_name", "image_md5", "volumes", "mem_limit",
          "memsw_limit", "pids_limit", "cpu_shares");

  /** A bind mount: a host directory and where it appears inside the container. */
  public record Volume(String outside, String inside) {}

  public ProcData {
    env = env == null ? Map.of() : env;
    settings = settings == null ? Map.of() : settings;
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    extra = extra == null ? Map.of() : extra;
  }

  /** Reads and checks a proc.yaml; exit-2 errors name the file, line and key. */
  public static ProcData load(Path file) {
    return from(Yaml.load(file));
  }

  public static ProcData from(YamlMap y) {
    String procName = y.string("proc_name");
    if (procName == null) {
      procName = y.string("proc");
    }
    String cmd = y.string("cmd");
    if (procName == null && cmd == null) {
      throw InputException.at(y.file(), y.lineOf("proc_name"), "proc_name: a proc needs proc_name or cmd");
    }
    String imageName = y.string("image_name");
    if (imageName != null) {
      String problem = Names.fileNameProblem(imageName);
      if (problem != null) {
        throw y.error("image_name", problem + ", not " + InputException.quote(imageName));
      }
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    for (String k : y.keys()) {
      if (!KEYS.contains(k)) {
        extra.put(k, y.get(k));
      }
    }
    return new ProcData(
        y.string("app_name"),
        y.string("app_repo_url"),
        y.string("app_repo_type"),
        y.string("buildpack_url"),
        y.string("buildpack_version"),
        y.string("config_name"),
        y.map("env"),
        y.string("host"),
        y.integer("port"),
        y.string("version"),
        y.string("release_hash"),
        y.map("settings"),
        y.string("user"),
        y.string("group"),
        procName,
        cmd,
        y.string("app_folder"),
        y.string("build_url"),
        y.string("build_md5"),
        y.string("image_url"),
        imageName,
        y.string("image_md5"),
        volumes(y),
        sizeString(y, "mem_limit"),
        sizeString(y, "memsw_limit"),
        y.integer("pids_limit"),
        y.integer("cpu_shares"),
        extra);
  }

  private static List<Volume> volumes(YamlMap y) {
    List<Object> raw = y.list("volumes");
    if (raw == null) {
      return List.of();
    }
    List<Volume> out = new ArrayList<>();
    for (Object o : raw) {
      if (!(o instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String a)
          || !(pair.get(1) instanceof String b)) {
        throw y.error("volumes", "must be a list of [host path, container path] pairs");
      }
      if (!a.startsWith("/") || !b.startsWith("/")) {
        throw y.error("volumes", "paths must be absolute: " + InputException.quote(a) + " -> " + InputException.quote(b));
      }
      if (hasDotDot(a) || hasDotDot(b)) {
        throw y.error("volumes", "paths must not contain '..': " + InputException.quote(a) + " -> " + InputException.quote(b));
      }
      out.add(new Volume(a, b));
    }
    return out;
  }

  /** Whether a {@code ..} component climbs out of where the path seems to point (docs/volumes.md forbids it). */
  private static boolean hasDotDot(String path) {
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** Memory sizes may be written as a number of bytes or as a string such as {@code 256M}. */
  private static String sizeString(YamlMap y, String key) {
    Object v = y.get(key);
    if (v == null) {
      return null;
    }
    String s = v instanceof Long ? v.toString() : y.string(key);
    if (!s.matches("[0-9]+[kKmMgGtT]?")) {
      throw y.error(key, "must be a size such as 256M, 1G or a number of bytes");
    }
    return s;
  }

  /** The proc's name: the supervisor program, the directory under /apps/procs and the container. */
  public ProcName name() {
    return new ProcName(appName, version, configName, releaseHash, procName, port == null ? 0 : port);
  }

  /** Every known key (absent ones as null) plus the unknown ones, as the original's {@code as_dict}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put("app_name", appName);
    m.put("app_repo_url", appRepoUrl);
    m.put("app_repo_type", appRepoType);
    m.put("buildpack_url", buildpackUrl);
    m.put("buildpack_version", buildpackVersion);
    m.put("config_name", configName);
    m.put("env", env);
    m.put("host", host);
    m.put("port", port);
    m.put("version", version);
    m.put("release_hash", releaseHash);
    m.put("settings", settings);
    m.put("user", user);
    m.put("group", group);
    m.put("proc_name", procName);
    m.put("cmd", cmd);
    m.put("app_folder", appFolder);
    m.put("build_url", buildUrl);
    m.put("build_md5", buildMd5);
    m.put("image_url", imageUrl);
    m.put("image_name", imageName);
    m.put("image_md5", imageMd5);
    List<List<String>> vols = new ArrayList<>();
    volumes.forEach(v -> vols.add(List.of(v.outside(), v.inside())));
    m.put("volumes", vols);
    m.put("mem_limit", memLimit);
    m.put("memsw_limit", memswLimit);
    if (pidsLimit != null) {
      m.put("pids_limit", pidsLimit);
    }
    if (cpuShares != null) {
      m.put("cpu_shares", cpuShares);
    }
    return m;
  }

  public String toYaml() {
    return Yaml.dump(toMap());
  }
}
