package vr.common.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import vr.common.VrException;
import vr.common.exec.Shell;

/**
 * Renders a {@link ContainerSpec} to an LXC 5 config file. The choices, checked on the target hosts:
 * the root filesystem is an overlay ({@code overlay:<lowers...>:<upper>}), or for image builds a plain
 * directory used read-write ({@code dir:<upper>}); {@code lxc.autodev} makes a
 * private /dev; /proc is mounted "mixed" (read-only /proc/sys) and /sys read-only; no console or ttys (a
 * proc's output goes to whoever started it, supervisord); the container's {@code /dev/console} is
 * {@code /dev/null} so that LXC's init stays quiet; the device cgroup allows only the usual character
 * devices; the limit keys follow the host's cgroup versions.
 *
 * <p>What runs inside is untrusted (docs/security.md), and shares the host's network: no process in the
 * container gains privileges by exec ({@code lxc.no_new_privs}, so a setuid-root binary of the image gives
 * a proc running as {@code nobody} nothing); a container that runs as a user other than root keeps no
 * capability at all, one that runs as root only {@link #ROOT_CAPS} (the original dropped a dozen and kept
 * the rest, among them net_admin, net_raw, sys_ptrace, dac_read_search and bpf); bind mounts are
 * {@code nosuid,nodev} (writable ones through a mount hook, see {@link #remountHook}); and the number of
 * processes is limited, so a fork bomb stops at its own cgroup.
 */
public final class LxcConfig {
  /**
   * What a container running as root keeps: enough to install packages (dpkg's chown, fowner, fsetid and
   * setfcap; apt's switch to its sandbox user), to drop to another user, to signal its own processes and to
   * bind ports below 1024. Nothing that reaches the host's network stack, kernel, devices or other processes.
   */
  public static final String ROOT_CAPS =
      "audit_write chown dac_override fowner fsetid kill net_bind_service setfcap setgid setpcap setuid sys_chroot";

  /** null, zero, full, random, urandom, tty, console, ptmx, pts/*: what a program expects to find. */
  static final List<String> DEVICES =
      List.of("c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
          "c 136:* rwm");

  private LxcConfig() {}

  /** The config text for {@code spec} on a host with {@code cgroups}. */
  public static String render(ContainerSpec spec, Cgroups cgroups) {
    return render(spec, cgroups, false);
  }

  /**
   * The config text; with {@code console} LXC gives the container a console (a pty it proxies to the terminal
   * of {@code lxc-start -F}) instead of none, for an interactive shell: the shell gets a controlling terminal,
   * so job control and Ctrl-C work inside, and the keys do not reach the processes on the host.
   */
  public static String render(ContainerSpec spec, Cgroups cgroups, boolean console) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by vr-suite; regenerated on every start.\n");
    if (spec.hostname() != null) {
      line(b, "lxc.uts.name", spec.hostname());
    }
    if (spec.plainRootfs()) {
      line(b, "lxc.rootfs.path", "dir:" + spec.upper());
    } else {
      StringBuilder rootfs = new StringBuilder("overlay:");
      for (Path lower : spec.lowers()) {
        rootfs.append(lower).append(':');
      }
      line(b, "lxc.rootfs.path", rootfs.append(spec.upper()).toString());
    }
    line(b, "lxc.net.0.type", spec.network() == ContainerSpec.Network.HOST ? "none" : "empty");
    line(b, "lxc.autodev", "1");
    line(b, "lxc.mount.auto", "proc:mixed sys:ro");
    if (!console) {
      line(b, "lxc.console.path", "none");
    }
    line(b, "lxc.tty.max", "0");
    line(b, "lxc.pty.max", "1024");
    line(b, "lxc.no_new_privs", "1");
    line(b, "lxc.cap.keep", spec.uid() == 0 ? ROOT_CAPS : "none");
    if (!console) {
      // LXC's init writes its own complaints to /dev/console; keep them out of the proc's log.
      line(b, "lxc.mount.entry", "/dev/null dev/console none bind,create=file 0 0");
    }
    line(b, "lxc.mount.entry", "tmpfs dev/shm tmpfs rw,nosuid,nodev,noexec,mode=1777,size=65536k,create=dir 0 0");
    List<String> writable = new java.util.ArrayList<>();
    for (ContainerSpec.Mount m : spec.mounts()) {
      line(b, "lxc.mount.entry", mountEntry(m));
      if (m.kind() == ContainerSpec.Mount.Kind.BIND && !m.readOnly()) {
        writable.add(m.target().substring(1));
      }
    }
    remountHook(b, writable);
    line(b, "lxc.init.uid", Integer.toString(spec.uid()));
    line(b, "lxc.init.gid", Integer.toString(spec.gid()));
    line(b, "lxc.init.cwd", spec.cwd());
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      line(b, "lxc.environment", e.getKey() + "=" + e.getValue());
    }
    devices(b, cgroups);
    memory(b, spec, cgroups);
    pids(b, spec, cgroups);
    cpu(b, spec, cgroups);
    if (spec.logFile() != null) {
      line(b, "lxc.log.file", spec.logFile().toString());
      line(b, "lxc.log.level", "INFO");
    }
    return b.toString();
  }

  private static void devices(StringBuilder b, Cgroups cg) {
    String prefix = cg.version() == Cgroups.Version.V1 ? "lxc.cgroup." : "lxc.cgroup2.";
    line(b, prefix + "devices.deny", "a");
    for (String d : DEVICES) {
      line(b, prefix + "devices.allow", d);
    }
  }

  private static void memory(StringBuilder b, ContainerSpec spec, Cgroups cg) {
    Long mem = spec.memoryLimit();
    Long memsw = spec.memswLimit();
    if (mem == null && memsw == null) {
      return;
    }
    if (!cg.memory()) {
      throw new VrException("this host has no memory cgroup controller, so mem_limit cannot be enforced");
    }
    if (memsw != null && !cg.swapLimit()) {
      throw new VrException("this host cannot limit swap (boot the kernel with swapaccount=1), so memsw_limit cannot"
          + " be enforced");
    }
    if (mem != null && memsw != null && memsw < mem) {
      throw new VrException("memsw_limit (" + memsw + " bytes) is smaller than mem_limit (" + mem + " bytes)");
    }
    if (cg.version() == Cgroups.Version.V1) {
      // The kernel wants memory.limit_in_bytes set before memsw, and memsw >= limit: LXC applies in order.
      if (mem != null) {
        line(b, "lxc.cgroup.memory.limit_in_bytes", Long.toString(mem));
      } else {
        line(b, "lxc.cgroup.memory.limit_in_bytes", Long.toString(memsw));
      }
      if (memsw != null) {
        line(b, "lxc.cgroup.memory.memsw.limit_in_bytes", Long.toString(memsw));
      }
    } else {
      long ram = mem != null ? mem : memsw;
      line(b, "lxc.cgroup2.memory.max", Long.toString(ram));
      if (memsw != null) {
        line(b, "lxc.cgroup2.memory.swap.max", Long.toString(memsw - ram));
      }
    }
  }

  /**
   * LXC 5.0 applies {@code nosuid,nodev} to a bind mount only when it is also read-only (it skips the remount
   * otherwise, "Mountflags already were ..."), so the writable ones are remounted by a mount hook. LXC runs a
   * hook as {@code sh -c "exec <hook> <name> lxc mount"}: the trailing {@code #} comments those words out.
   * One mount costs about 3 ms per start, a loop over several about 8 ms (docs/performance.md).
   */
  private static void remountHook(StringBuilder b, List<String> targets) {
    if (targets.isEmpty()) {
      return;
    }
    String remount = "/bin/mount -o remount,bind,nosuid,nodev";
    if (targets.size() == 1) {
      line(b, "lxc.hook.mount", remount + " \"$LXC_ROOTFS_MOUNT\"/" + Shell.quote(targets.get(0)) + " #");
      return;
    }
    StringBuilder loop = new StringBuilder("for t; do " + remount + " \"$LXC_ROOTFS_MOUNT/$t\" || exit; done");
    StringBuilder hook = new StringBuilder("/bin/sh -c ").append(Shell.quote(loop.toString())).append(" vr-remount");
    for (String t : targets) {
      hook.append(' ').append(Shell.quote(t));
    }
    line(b, "lxc.hook.mount", hook.append(" #").toString());
  }

  private static void pids(StringBuilder b, ContainerSpec spec, Cgroups cg) {
    if (spec.pidsLimit() == null) {
      return;
    }
    if (cg.pids() == null) {
      throw new VrException("this host has no pids cgroup controller, so the container's process limit cannot be"
          + " enforced");
    }
    line(b, (cg.pids() == Cgroups.Version.V1 ? "lxc.cgroup." : "lxc.cgroup2.") + "pids.max",
        Long.toString(spec.pidsLimit()));
  }

  private static void cpu(StringBuilder b, ContainerSpec spec, Cgroups cg) {
    Integer shares = spec.cpuShares();
    if (shares == null) {
      return;
    }
    if (cg.cpu() == null) {
      throw new VrException("this host has no cpu cgroup controller, so cpu_shares cannot be enforced");
    }
    if (cg.cpu() == Cgroups.Version.V1) {
      line(b, "lxc.cgroup.cpu.shares", Integer.toString(shares));
    } else {
      line(b, "lxc.cgroup2.cpu.weight", Long.toString(cpuWeight(shares)));
    }
  }

  /** cgroup v1 shares (2..262144, default 1024) as a v2 weight (1..10000, default 100), as runc converts them. */
  static long cpuWeight(int shares) {
    return 1 + ((long) shares - 2) * 9999 / 262142;
  }

  static String mountEntry(ContainerSpec.Mount m) {
    String target = m.target().substring(1);
    if (target.isEmpty()) {
      throw new IllegalArgumentException("cannot mount over /");
    }
    checkField(target);
    StringBuilder opts = new StringBuilder();
    String src;
    String type;
    if (m.kind() == ContainerSpec.Mount.Kind.BIND) {
      src = m.source();
      checkField(src);
      type = "none";
      // No setuid binary or device node from a build, a volume or a cache works inside.
      opts.append(m.readOnly() ? "bind,ro" : "bind").append(",nosuid,nodev");
    } else {
      src = "tmpfs";
      type = "tmpfs";
      opts.append(m.readOnly() ? "ro" : "rw").append(",nosuid,nodev");
    }
    if (!m.options().isEmpty()) {
      opts.append(',').append(m.options());
    }
    opts.append(m.file() ? ",create=file" : ",create=dir");
    if (m.optional()) {
      opts.append(",optional");
    }
    return src + " " + target + " " + type + " " + opts + " 0 0";
  }

  /** fstab-style fields are space separated and LXC does not unescape them. */
  private static void checkField(String s) {
    if (s.isEmpty() || hasSpaceOrControl(s)) {
      throw new IllegalArgumentException("mount paths may not contain spaces or control characters: '" + s + "'");
    }
  }

  /** Whether {@code s} has a space, tab, newline or other control character. */
  public static boolean hasSpaceOrControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static void line(StringBuilder b, String key, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(key + " may not contain a newline");
    }
    b.append(key).append(" = ").append(value).append('\n');
  }
}
