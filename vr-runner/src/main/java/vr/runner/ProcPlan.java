package vr.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import vr.common.InputException;
import vr.common.container.LxcConfig;
import vr.common.container.ContainerSpec;
import vr.common.container.MemorySize;
import vr.common.fs.Owner;
import vr.common.fs.VrPaths;
import vr.common.model.Names;
import vr.common.model.ProcData;
import vr.common.model.ProcName;
import vr.common.yaml.YamlMap;

/**
 * A proc.yaml checked for everything that can be checked before touching the disk: names, port, md5s, user
 * and group, sizes, volumes, env names. Bad input fails here with exit 2 and one line naming the key, so
 * that nothing is created for it.
 *
 * @param proc the proc.yaml
 * @param name the proc's name (its directory and, hashed, its container)
 * @param port 1-65535, or 0 for a proc that listens on nothing (it gets no PORT)
 * @param owner numeric user and group the proc runs as and owns /app as
 * @param imageName the stack's name under {@code images/}
 * @param memoryLimit bytes or null
 * @param memswLimit bytes or null
 * @param pidsLimit processes and threads the proc's container may have
 * @param cpuShares its CPU weight, or null for the host's default
 */
public record ProcPlan(ProcData proc, ProcName name, int port, Owner owner, String imageName, Long memoryLimit,
    Long memswLimit, long pidsLimit, Integer cpuShares) {

  private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern IMAGE_NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.+-]*");
  private static final List<String> RESERVED = List.of("/", "/proc", "/sys", "/dev", "/app");

  /** Where errors point: the proc.yaml's lines when known. */
  @FunctionalInterface
  public interface Where {
    InputException error(String key, String what);

    static Where of(YamlMap y) {
      // A class, not y::error: a bound method reference spins a method handle class on every proc start.
      return new Where() {
        @Override
        public InputException error(String key, String what) {
          return y.error(key, what);
        }
      };
    }

    Where NOWHERE = (key, what) -> new InputException("proc.yaml: " + key + " " + what);
  }

  /** Reads and checks a loaded proc.yaml; errors point at its lines. */
  public static ProcPlan of(YamlMap yaml, VrPaths paths) {
    return check(ProcData.from(yaml), paths, Where.of(yaml));
  }

  /** Checks {@code p} for a runner on the host laid out as {@code paths}. */
  public static ProcPlan check(ProcData p, VrPaths paths, Where where) {
    Integer rawPort = p.port();
    int port = rawPort == null ? 0 : rawPort;
    if (port < 0 || port > 65535) {
      throw where.error("port", "must be 1-65535 (or 0 for a proc that listens on nothing), not " + port);
    }
    ProcName name;
    try {
      name = p.name();
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().split(" ")[0];
      throw where.error(key, e.getMessage().substring(key.length()).strip());
    }
    md5(where, "build_md5", p.buildMd5());
    md5(where, "image_md5", p.imageMd5());
    String imageName = p.imageName();
    if (imageName == null && p.imageUrl() != null) {
      imageName = stripTarSuffix(vr.common.fs.VrPaths.basename(p.imageUrl()));
    }
    if (imageName == null) {
      throw where.error("image_url", "is missing: a proc needs a stack image (image_url and image_name)");
    }
    String imageProblem = Names.fileNameProblem(imageName);
    if (imageProblem != null) {
      throw where.error("image_name", imageProblem + ", not " + InputException.quote(imageName));
    }
    if (!IMAGE_NAME.matcher(imageName).matches()) {
      throw where.error("image_name", InputException.quote(imageName) + " is not a plain file name");
    }
    if (p.imageUrl() == null && !Files.isDirectory(paths.imageContents(imageName))) {
      throw where.error("image_url", "is missing and image " + imageName + " is not on this host yet");
    }
    if (p.buildUrl() == null && p.cmd() == null) {
      throw where.error("build_url", "is missing: without a build the proc needs a cmd");
    }
    Owner owner;
    String user = p.user() == null ? "nobody" : p.user();
    try {
      owner = Owner.resolve(user, p.group());
    } catch (InputException e) {
      boolean group = e.getMessage().startsWith("unknown group");
      throw group ? where.error("group", InputException.quote(p.group()) + " is not a group on this host")
          : where.error("user", InputException.quote(user) + " is not a user on this host");
    }
    Long mem = size(where, "mem_limit", p.memLimit());
    Long memsw = size(where, "memsw_limit", p.memswLimit());
    if (mem != null && memsw != null && memsw < mem) {
      throw where.error("memsw_limit", "must not be smaller than mem_limit");
    }
    for (ProcData.Volume v : p.volumes()) {
      Path inside = Path.of(v.inside()).normalize();
      if (!inside.toString().equals(v.inside().replaceAll("/+$", "")) || v.inside().contains("/../")) {
        throw where.error("volumes", "container path " + v.inside() + " must be a plain absolute path");
      }
      for (String r : RESERVED) {
        if (inside.toString().equals(r) || (!r.equals("/") && inside.startsWith(r))) {
          throw where.error("volumes", "cannot mount over " + inside);
        }
      }
      if (LxcConfig.hasSpaceOrControl(v.outside()) || LxcConfig.hasSpaceOrControl(v.inside())) {
        throw where.error("volumes", "paths may not contain spaces: " + v.outside() + " -> " + v.inside());
      }
    }
    for (Map.Entry<String, Object> e : p.env().entrySet()) {
      try {
        ProcScripts.value(e.getKey(), e.getValue(), Map.of());
      } catch (InputException x) {
        throw where.error("env", x.getMessage().replaceFirst("^env: ", ""));
      }
    }
    if (p.cmd() != null && p.cmd().isBlank()) {
      throw where.error("cmd", "is empty");
    }
    if (p.pidsLimit() != null && p.pidsLimit() < 16) {
      throw where.error("pids_limit", "must be at least 16 (the shell, the app and a few helpers)");
    }
    if (p.cpuShares() != null && (p.cpuShares() < 2 || p.cpuShares() > 262144)) {
      throw where.error("cpu_shares", "must be between 2 and 262144 (1024 is the host's default weight)");
    }
    long pids = p.pidsLimit() != null ? p.pidsLimit() : ContainerSpec.DEFAULT_PIDS;
    return new ProcPlan(p, name, port, owner, imageName, mem, memsw, pids, p.cpuShares());
  }

  private static void md5(Where where, String key, String v) {
    if (v != null && !MD5.matcher(v.strip()).matches()) {
      throw where.error(key, "must be 32 hexadecimal digits, not " + InputException.quote(v));
    }
  }

  private static Long size(Where where, String key, String v) {
    if (v == null) {
      return null;
    }
    try {
      long n = MemorySize.parse(v);
      if (n < 1 << 20) {
        throw where.error(key, "is below 1M; that is too small to start anything");
      }
      return n;
    } catch (IllegalArgumentException e) {
      throw where.error(key, "must be a size such as 256M or 1G");
    }
  }

  static String stripTarSuffix(String file) {
    return file.replaceFirst("\\.(tar\\.gz|tgz|tar\\.bz2|tbz2|tar\\.xz|txz|tar)$", "");
  }
}
