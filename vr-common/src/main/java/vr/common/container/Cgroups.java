package vr.common.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the host's cgroups look like, read from {@code /proc/self/mounts}: whether the memory controller is on
 * cgroup v1 (then LXC wants {@code lxc.cgroup.*} keys) or v2 ({@code lxc.cgroup2.*}), whether swap can be
 * limited, and every hierarchy LXC makes a container's cgroups in (for cleaning up after a killed monitor).
 * A hybrid host (v1 controllers plus a v2 tree without memory, as on the build machines) counts as v1.
 *
 * @param version where the memory controller lives
 * @param memory whether there is a memory controller at all
 * @param swapLimit whether a memory+swap limit can be set (v1 needs {@code swapaccount=1})
 * @param hierarchies mount points of every cgroup hierarchy (v1 and v2)
 * @param pids where the pids controller lives (a hybrid host may have it on either), null when nowhere
 * @param cpu where the cpu controller lives, null when nowhere
 */
public record Cgroups(Version version, boolean memory, boolean swapLimit, List<Path> hierarchies, Version pids,
    Version cpu) {

  public enum Version { V1, V2 }

  public Cgroups {
    hierarchies = List.copyOf(hierarchies);
  }

  /** A host whose pids and cpu controllers are where its memory controller is. */
  public Cgroups(Version version, boolean memory, boolean swapLimit, List<Path> hierarchies) {
    this(version, memory, swapLimit, hierarchies, version, version);
  }

  /** Reads the running host's layout. */
  public static Cgroups detect() {
    try {
      return parse(Files.readString(Path.of("/proc/self/mounts")), HOST);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/mounts", e);
    }
  }

  /** Resolves a path inside a cgroup mount; replaceable so that tests can point at a fake tree. */
  interface Fs {
    Path path(String p);
  }

  /** The real file system. A class rather than {@code Path::of}: the first lambda of a run costs ~5 ms. */
  private static final Fs HOST = new Fs() {
    @Override
    public Path path(String p) {
      return Path.of(p);
    }
  };

  static Cgroups parse(String mounts, Fs fs) {
    Path memoryV1 = null;
    Path unified = null;
    Version pids = null;
    Version cpu = null;
    List<Path> all = new ArrayList<>();
    for (String line : mounts.split("\n")) {
      String[] f = line.split(" ");
      if (f.length < 4) {
        continue;
      }
      String dir = unescape(f[1]);
      if (f[2].equals("cgroup")) {
        all.add(fs.path(dir));
        for (String opt : f[3].split(",")) {
          if (opt.equals("memory")) {
            memoryV1 = fs.path(dir);
          } else if (opt.equals("pids")) {
            pids = Version.V1;
          } else if (opt.equals("cpu")) {
            cpu = Version.V1;
          }
        }
      } else if (f[2].equals("cgroup2")) {
        all.add(fs.path(dir));
        unified = fs.path(dir);
      }
    }
    List<String> v2 = unified == null ? List.of() : controllers(unified);
    if (pids == null && v2.contains("pids")) {
      pids = Version.V2;
    }
    if (cpu == null && v2.contains("cpu")) {
      cpu = Version.V2;
    }
    if (memoryV1 != null) {
      return new Cgroups(Version.V1, true, Files.exists(memoryV1.resolve("memory.memsw.limit_in_bytes")), all, pids, cpu);
    }
    if (v2.contains("memory")) {
      return new Cgroups(Version.V2, true, true, all, pids, cpu);
    }
    // No memory controller anywhere: limits cannot be applied.
    return new Cgroups(unified != null && all.size() == 1 ? Version.V2 : Version.V1, false, false, all, pids, cpu);
  }

  private static List<String> controllers(Path unified) {
    try {
      return List.of(Files.readString(unified.resolve("cgroup.controllers")).strip().split("\\s+"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** /proc/mounts escapes spaces and a few other characters as octal. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
