package vr.common.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the container layer needs to run one container: its root filesystem as overlay layers, the
 * mounts on top, environment, user, memory limits, hostname, network and command. {@link LxcConfig} renders
 * it to an LXC config; {@link Lxc} runs it. Procs, uptests, shells, builds and image builds all describe
 * their containers with it.
 *
 * @param name the LXC container name; short (see {@link ContainerNames}) because LXC uses it in cgroup and
 *     socket names
 * @param lxcPath the LXC path: the config lives in {@code <lxcPath>/<name>/config}
 * @param lowers read-only overlay layers, the top one first (e.g. a per-proc layer, then the stack image);
 *     empty for a plain read-write root filesystem (see {@link Builder#rootfs})
 * @param upper the writable overlay layer; LXC puts its work dir next to it ({@code <upper>/../work}), so
 *     give every container an upper dir of its own inside a directory of its own. Without lowers, the root
 *     filesystem itself, changed in place
 * @param mounts bind and tmpfs mounts made after the root filesystem, in order
 * @param env environment of the container's first process ({@code lxc.environment})
 * @param uid user the command runs as ({@code lxc.init.uid})
 * @param gid group the command runs as ({@code lxc.init.gid})
 * @param hostname the container's hostname, or null to keep the host's (the original's behaviour)
 * @param network {@link Network#HOST} shares the host's network, as the original did
 * @param memoryLimit bytes of RAM, or null for none
 * @param memswLimit bytes of RAM plus swap, or null for none
 * @param pidsLimit how many processes and threads the container may have at once (a fork bomb stops there),
 *     or null for no limit; the builder's default is {@value #DEFAULT_PIDS}
 * @param cpuShares the container's weight for CPU time against others (cgroup v1 {@code cpu.shares}, 1024 the
 *     host's default; turned into {@code cpu.weight} on v2), or null to leave it
 * @param cwd working directory of the command inside the container
 * @param command the command and its arguments
 * @param logFile where LXC writes its own log, or null for none
 */
public record ContainerSpec(
    String name,
    Path lxcPath,
    List<Path> lowers,
    Path upper,
    List<Mount> mounts,
    Map<String, String> env,
    int uid,
    int gid,
    String hostname,
    Network network,
    Long memoryLimit,
    Long memswLimit,
    Long pidsLimit,
    Integer cpuShares,
    String cwd,
    List<String> command,
    Path logFile) {

  /** Processes and threads a container may have unless told otherwise: a busy JVM runs a few hundred threads. */
  public static final long DEFAULT_PIDS = 1024;

  /** How the container reaches the network. */
  public enum Network {
    /** The host's network namespace: the proc binds {@code PORT} on the host ({@code lxc.net.0.type = none}). */
    HOST,
    /** A network namespace with only loopback ({@code lxc.net.0.type = empty}). */
    LOOPBACK_ONLY
  }

  /**
   * A mount inside the container. {@code target} is an absolute path inside the container. A bind mount's
   * {@code source} is a host path; {@code file} says the target is a file, not a directory (LXC creates a
   * missing mount point of the right kind). {@code optional} mounts are skipped when the source is missing.
   */
  public record Mount(Kind kind, String source, String target, boolean readOnly, boolean file, boolean optional,
      String options) {
    public enum Kind { BIND, TMPFS }

    public Mount {
      Objects.requireNonNull(kind);
      Objects.requireNonNull(target);
      if (!target.startsWith("/")) {
        throw new IllegalArgumentException("mount target must be absolute: " + target);
      }
      if (kind == Kind.BIND && (source == null || !source.startsWith("/"))) {
        throw new IllegalArgumentException("bind mount source must be absolute: " + source);
      }
      options = options == null ? "" : options;
    }

    public static Mount bind(Path source, String target, boolean readOnly) {
      return new Mount(Kind.BIND, source.toString(), target, readOnly, false, false, "");
    }

    public static Mount bindFile(Path source, String target, boolean readOnly, boolean optional) {
      return new Mount(Kind.BIND, source.toString(), target, readOnly, true, optional, "");
    }

    public static Mount tmpfs(String target, String options) {
      return new Mount(Kind.TMPFS, "tmpfs", target, false, false, false, options);
    }
  }

  public ContainerSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lxcPath, "lxcPath");
    Objects.requireNonNull(upper, "upper");
    lowers = List.copyOf(lowers);
    mounts = List.copyOf(mounts);
    env = Map.copyOf(env);
    network = network == null ? Network.HOST : network;
    cwd = cwd == null ? "/" : cwd;
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a container needs a command");
    }
    if (!ContainerNames.valid(name)) {
      throw new IllegalArgumentException("invalid container name: " + name);
    }
    for (Path p : lowers) {
      checkLayerPath(p);
    }
    checkLayerPath(upper);
  }

  /** Overlay options are ':' and ',' separated; such paths cannot be expressed, so refuse them early. */
  private static void checkLayerPath(Path p) {
    String s = p.toString();
    if (!p.isAbsolute() || s.contains(":") || s.contains(",") || s.contains("\n")) {
      throw new IllegalArgumentException("layer paths must be absolute without ':' ',' or newlines: " + s);
    }
  }

  /** Whether the root filesystem is {@link #upper} itself, read-write, rather than an overlay. */
  public boolean plainRootfs() {
    return lowers.isEmpty();
  }

  /** The same container with another name, upper dir and command: an uptest or shell beside a proc. */
  public ContainerSpec withRun(String newName, Path newUpper, List<String> newCommand) {
    return new ContainerSpec(newName, lxcPath, lowers, newUpper, mounts, env, uid, gid, hostname, network,
        memoryLimit, memswLimit, pidsLimit, cpuShares, cwd, newCommand, logFile);
  }

  /** The same container with extra environment variables (e.g. TERM for a shell). */
  public ContainerSpec withEnv(Map<String, String> more) {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.putAll(more);
    return new ContainerSpec(name, lxcPath, lowers, upper, mounts, e, uid, gid, hostname, network, memoryLimit,
        memswLimit, pidsLimit, cpuShares, cwd, command, logFile);
  }

  /** The directory holding this container's LXC config. */
  public Path containerDir() {
    return lxcPath.resolve(name);
  }

  public static Builder builder(String name, Path lxcPath) {
    return new Builder(name, lxcPath);
  }

  /** Builds a spec step by step; defaults: host network, root, cwd {@code /}, {@value #DEFAULT_PIDS} pids. */
  public static final class Builder {
    private final String name;
    private final Path lxcPath;
    private final List<Path> lowers = new ArrayList<>();
    private Path upper;
    private final List<Mount> mounts = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private int uid;
    private int gid;
    private String hostname;
    private Network network = Network.HOST;
    private Long memoryLimit;
    private Long memswLimit;
    private Long pidsLimit = DEFAULT_PIDS;
    private Integer cpuShares;
    private String cwd = "/";
    private final List<String> command = new ArrayList<>();
    private Path logFile;

    private Builder(String name, Path lxcPath) {
      this.name = name;
      this.lxcPath = lxcPath;
    }

    /** Adds a read-only layer below the ones added before. */
    public Builder lower(Path dir) {
      lowers.add(dir);
      return this;
    }

    public Builder upper(Path dir) {
      this.upper = dir;
      return this;
    }

    /**
     * A plain root filesystem used read-write in place, without overlay: for image builds, whose whole point
     * is to change the unpacked image. Replaces any lower layers.
     */
    public Builder rootfs(Path dir) {
      lowers.clear();
      this.upper = dir;
      return this;
    }

    public Builder mount(Mount m) {
      mounts.add(m);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder user(int uid, int gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    public Builder hostname(String h) {
      this.hostname = h;
      return this;
    }

    public Builder network(Network n) {
      this.network = n;
      return this;
    }

    public Builder memory(Long limit, Long memswLimit) {
      this.memoryLimit = limit;
      this.memswLimit = memswLimit;
      return this;
    }

    /** At most {@code max} processes and threads ({@link #DEFAULT_PIDS} unless set; null for no limit). */
    public Builder pids(Long max) {
      this.pidsLimit = max;
      return this;
    }

    /** The CPU weight, or null to leave the host's default. */
    public Builder cpuShares(Integer shares) {
      this.cpuShares = shares;
      return this;
    }

    public Builder cwd(String dir) {
      this.cwd = dir;
      return this;
    }

    public Builder command(List<String> cmd) {
      command.clear();
      command.addAll(cmd);
      return this;
    }

    public Builder command(String... cmd) {
      return command(List.of(cmd));
    }

    public Builder logFile(Path f) {
      this.logFile = f;
      return this;
    }

    public ContainerSpec build() {
      return new ContainerSpec(name, lxcPath, lowers, upper, mounts, env, uid, gid, hostname, network, memoryLimit,
          memswLimit, pidsLimit, cpuShares, cwd, command, logFile);
    }
  }
}
