package vr.common.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import vr.common.VrException;
import vr.common.fs.AtomicFiles;
import vr.common.fs.Trees;

/**
 * Runs {@link ContainerSpec}s with LXC 5's {@code lxc-execute}: the caller's process (or one that
 * {@code exec}s the {@link #argv} of a prepared container) becomes LXC's monitor, LXC's own init is PID 1
 * inside and runs the command as PID 2. That init reaps orphans, passes signals on to the command, and on
 * SIGTERM sends SIGTERM to everything in the container and SIGKILL after a second of quiet; the command's
 * exit status becomes {@code lxc-execute}'s. ({@code lxc-start -F} would make the command PID 1 itself,
 * which ignores SIGTERM unless the program handles it and reaps nothing.)
 *
 * <p>A monitor killed with SIGKILL leaves its container running; {@link #stop} finds a container's
 * processes through its cgroups ({@code lxc.payload.<name>}) and kills them, so callers can always clean up.
 */
public final class Lxc {
  private static final Set<PosixFilePermission> CONFIG_MODE = PosixFilePermissions.fromString("rw-r--r--");
  private final Cgroups cgroups;

  public Lxc(Cgroups cgroups) {
    this.cgroups = cgroups;
  }

  /** An instance for the running host. */
  public static Lxc host() {
    return new Lxc(Cgroups.detect());
  }

  public Cgroups cgroups() {
    return cgroups;
  }

  /** The config file LXC reads for {@code spec}. */
  public static Path configFile(ContainerSpec spec) {
    return spec.containerDir().resolve("config");
  }

  /**
   * Makes {@code spec} ready to start: kills what is left of an earlier container of the same name, writes
   * its config, creates its upper dir. Returns the config file.
   */
  public Path prepare(ContainerSpec spec) {
    return prepare(spec, false);
  }

  private Path prepare(ContainerSpec spec, boolean console) {
    return prepare(spec.name(), spec.lxcPath(), spec.upper(), LxcConfig.render(spec, cgroups, console));
  }

  /**
   * As {@link #prepare(ContainerSpec)} for a config rendered earlier ({@link LxcConfig#render}): containers
   * that differ only in name and upper dir, such as a proc's uptest containers, are rendered once.
   */
  public Path prepare(String name, Path lxcPath, Path upper, String config) {
    stop(name);
    Path dir = lxcPath.resolve(name);
    try {
      Files.createDirectories(dir);
      Files.createDirectories(upper);
      Path cfg = dir.resolve("config");
      // Made again on every start: no fsync (AtomicFiles' temp name needs no SecureRandom either).
      AtomicFiles.writeString(cfg, config, CONFIG_MODE, false);
      return cfg;
    } catch (IOException e) {
      throw new VrException("cannot write the container config in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The command line that runs a {@link #prepare prepared} container in the foreground. */
  public static List<String> argv(ContainerSpec spec) {
    return argv(spec.lxcPath(), spec.name(), spec.command());
  }

  /** The command line that runs the prepared container {@code name} under {@code lxcPath} in the foreground. */
  public static List<String> argv(Path lxcPath, String name, List<String> command) {
    List<String> a = new ArrayList<>();
    a.add(lxcExecute());
    a.add("-P");
    a.add(lxcPath.toString());
    a.add("-n");
    a.add(name);
    a.add("--");
    a.addAll(command);
    return a;
  }

  /**
   * Prepares and starts {@code spec}; the caller sets up stdio on {@code pb} (its command is replaced). A
   * ProcessBuilder rather than {@code Exec}: callers need the live process (to stream its output, wait with
   * their own timeout and then {@link #stop} the container).
   */
  public Process start(ContainerSpec spec, ProcessBuilder pb) {
    prepare(spec);
    return start(argv(spec), pb);
  }

  /** Starts a {@link #prepare prepared} container with its {@link #argv}, as {@code start(spec, pb)} does. */
  public Process start(List<String> argv, ProcessBuilder pb) {
    pb.command(argv);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    try {
      return pb.start();
    } catch (IOException e) {
      throw new VrException("cannot start lxc-execute: " + e.getMessage(), e);
    }
  }

  /** Runs {@code spec} to its end with the caller's stdio; returns the command's exit status. */
  public int runInheritingIo(ContainerSpec spec) {
    // Inherited stdio (not Exec's pumps): the command talks to the caller's terminal or supervisord's pipes.
    Process p = start(spec, new ProcessBuilder().inheritIO());
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(spec.name());
      throw new VrException("interrupted while running container " + spec.name());
    } finally {
      stop(spec.name());
    }
  }

  /** Where {@link #runOnConsole} has the command's exit status written, relative to the container's root. */
  static final String CONSOLE_STATUS = ".vr-console-status";

  /**
   * Runs {@code spec} for a person at this process's terminal: {@code lxc-start -F} with LXC's console proxied
   * to the terminal, so the command (normally a shell, as PID 1) has a real controlling terminal. Unlike
   * {@link #runInheritingIo}, Ctrl-C and job control work inside and do not hit the caller. LXC does not pass
   * the command's exit status on this way (lxc-start exits 0 when the container ran), so the command runs
   * under {@code /bin/sh}, which writes its status into the container's writable layer, where it is read back.
   * Returns the command's exit status, or lxc-start's when there is none (the container did not start).
   */
  public int runOnConsole(ContainerSpec spec) {
    prepare(spec, true);
    List<String> a = new ArrayList<>();
    a.add(lxcExecute().replace("lxc-execute", "lxc-start"));
    a.addAll(List.of("-F", "-P", spec.lxcPath().toString(), "-n", spec.name(), "--"));
    a.addAll(List.of("/bin/sh", "-c", "\"$@\"; echo $? > /" + CONSOLE_STATUS, "sh"));
    a.addAll(spec.command());
    Path status = spec.upper().resolve(CONSOLE_STATUS);
    // Inherited stdio (not Exec's pumps): lxc-start needs the real terminal to proxy the console.
    ProcessBuilder pb = new ProcessBuilder(a).inheritIO();
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    try {
      Files.deleteIfExists(status);
      int started = pb.start().waitFor();
      try {
        return Integer.parseInt(Files.readString(status).strip());
      } catch (IOException | NumberFormatException e) {
        return started; // the command never ran to its end
      }
    } catch (IOException e) {
      throw new VrException("cannot start lxc-start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while running container " + spec.name());
    } finally {
      stop(spec.name());
    }
  }

  /**
   * Kills every process of the container {@code name} (found through its cgroups, so this works when the
   * monitor is gone) and removes its cgroups. Quiet when there is nothing. The container's init goes first:
   * the kernel then kills everything in its pid namespace at once, and LXC's monitor, seeing its container
   * end, exits by itself. Only what is left a moment later is killed one by one. (Killing all in
   * cgroup.procs order let a shell inside outlive its child and report "Killed", and a monitor killed by
   * a signal made the launcher's shell report it too: a timed-out uptest's output depended on the order.)
   */
  public void stop(String name) {
    List<Path> dirs = cgroupDirs(name);
    if (dirs.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<Long> pids = procs(dirs);
    for (long pid : pids) {
      if (isNamespaceInit(pid)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        do {
          sleep(10);
          pids = procs(dirs);
        } while (!pids.isEmpty() && System.nanoTime() < grace);
        break;
      }
    }
    while (!pids.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new VrException("could not kill the processes of container " + name + ": " + pids);
      }
      for (long pid : pids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      sleep(20);
      pids = procs(dirs);
    }
    for (Path d : dirs) {
      removeCgroup(d, deadline);
    }
  }

  /** Whether any process of container {@code name} is alive. */
  public boolean running(String name) {
    for (Path d : cgroupDirs(name)) {
      if (!procs(d).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Stops the container and deletes its config dir. */
  public void remove(ContainerSpec spec) {
    remove(spec.name(), spec.lxcPath());
  }

  /** Stops the container {@code name} and deletes its config dir under {@code lxcPath}. */
  public void remove(String name, Path lxcPath) {
    stop(name);
    Trees.deleteOrFail(lxcPath.resolve(name));
  }

  /** Every cgroup dir LXC made for {@code name}: {@code lxc.payload.<name>[-n]} and {@code lxc.monitor.<name>[-n]}. */
  List<Path> cgroupDirs(String name) {
    // Every container start and stop looks, so names are compared before anything is stat'ed.
    String payload = "lxc.payload." + name;
    String monitor = "lxc.monitor." + name;
    List<Path> out = new ArrayList<>();
    for (Path h : cgroups.hierarchies()) {
      String[] entries = h.toFile().list();
      if (entries == null) {
        continue; // a hierarchy we cannot read holds nothing of ours
      }
      for (String f : entries) {
        if ((ours(f, payload) || ours(f, monitor)) && Files.isDirectory(h.resolve(f))) {
          out.add(h.resolve(f));
        }
      }
    }
    return out;
  }

  /** {@code base} itself, or {@code base-<digits>} (LXC's name when {@code base} was taken). */
  static boolean ours(String dir, String base) {
    if (!dir.startsWith(base)) {
      return false;
    }
    int n = dir.length();
    int b = base.length();
    if (n == b) {
      return true;
    }
    if (n == b + 1 || dir.charAt(b) != '-') {
      return false;
    }
    for (int i = b + 1; i < n; i++) {
      if (dir.charAt(i) < '0' || dir.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Pids in a cgroup and its children. */
  /** Whether {@code pid} is pid 1 of a pid namespace below ours (its last NSpid is 1). */
  static boolean isNamespaceInit(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("NSpid:")) {
          String[] f = l.substring(6).strip().split("\\s+");
          return f.length > 1 && f[f.length - 1].equals("1");
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // gone meanwhile
    }
    return false;
  }

  private static List<Long> procs(List<Path> cgroups) {
    List<Long> pids = new ArrayList<>();
    for (Path d : cgroups) {
      pids.addAll(procs(d));
    }
    return pids;
  }

  private static List<Long> procs(Path cgroup) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> s = Files.walk(cgroup)) {
      for (Path f : (Iterable<Path>) s.filter(p -> p.getFileName().toString().equals("cgroup.procs"))::iterator) {
        for (String l : Files.readAllLines(f)) {
          if (!l.isBlank()) {
            pids.add(Long.parseLong(l.strip()));
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Gone while we looked: nothing left to kill there.
    }
    return pids;
  }

  private static void removeCgroup(Path dir, long deadline) {
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(dir)) {
      dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
    } catch (IOException | UncheckedIOException e) {
      return;
    }
    for (Path d : dirs) {
      while (true) {
        try {
          Files.deleteIfExists(d);
          break;
        } catch (IOException e) {
          // EBUSY while the kernel finishes tearing down the last task.
          if (System.nanoTime() > deadline) {
            throw new VrException("cannot remove cgroup " + d + ": " + e.getMessage(), e);
          }
          sleep(20);
        }
      }
    }
  }

  /** {@code lxc-execute} by absolute path, so that a sparse PATH (supervisord's) does not matter. */
  public static String lxcExecute() {
    for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/bin"}) {
      Path p = Path.of(d, "lxc-execute");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new VrException("lxc-execute is not installed (apt-get install lxc)");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
