package vr.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vr.common.InputException;
import vr.common.container.Cgroups;
import vr.common.container.ContainerNames;
import vr.common.container.ContainerSpec;
import vr.common.container.LxcConfig;
import vr.common.fs.Inside;

/**
 * What every uptest container of a proc is made from. Their LXC configs are the same but for the writable
 * layer, the last part of {@code lxc.rootfs.path}, so the config is rendered once: {@code rootfs} is that
 * value without the upper dir, {@code config} the other lines. The template made at setup is kept in the
 * proc's {@code prepared-uptest} and {@code prepared-uptest.conf} ({@link PreparedRun}), from which vrun's
 * launcher starts the uptest containers without a JVM reading the proc.yaml first.
 *
 * @param layout the proc's folder and container name
 * @param procName the proc's name in its Procfile; its uptests are in the app's {@code uptests/<procName>/}
 * @param host first argument of every uptest
 * @param port second argument of every uptest
 * @param rootfs {@code lxc.rootfs.path} up to the upper dir: {@code overlay:<layer>:<image>:}
 * @param config every other line of the config
 * @param cgroups the host's cgroups, where a timed-out uptest's processes are found and killed
 */
record UptestTemplate(ProcLayout layout, String procName, String host, int port, String rootfs, List<String> config,
    Cgroups cgroups) {

  private static final String ROOTFS = "lxc.rootfs.path = ";
  /** Where a proc's uptests are inside its containers, followed by its name. */
  static final String INSIDE = "/app/uptests/";

  UptestTemplate {
    config = List.copyOf(config);
  }

  /** One uptest's container: its fresh name, writable layer, config text and command. */
  record Container(String name, Path upper, String config, List<String> command) {}

  /** The template for {@code plan}'s uptests on a host with {@code cgroups}. */
  static UptestTemplate of(ProcPlan plan, ProcLayout layout, Path image, Cgroups cgroups) {
    ContainerSpec spec = ProcContainers.spec(plan, layout, image, ProcContainers.Kind.UPTEST, Extras.NONE,
        List.of("/bin/true"));
    String upper = spec.upper().toString();
    String rootfs = null;
    List<String> lines = new ArrayList<>();
    for (String l : LxcConfig.render(spec, cgroups).split("\n")) {
      if (rootfs == null && l.startsWith(ROOTFS) && l.endsWith(upper)) {
        rootfs = l.substring(ROOTFS.length(), l.length() - upper.length());
      } else {
        lines.add(l);
      }
    }
    if (rootfs == null) {
      throw new IllegalStateException("an uptest container's config has no overlay ending in its upper dir");
    }
    String host = plan.proc().host() == null ? "localhost" : plan.proc().host();
    return new UptestTemplate(layout, plan.proc().procName(), host, plan.port(), rootfs, lines, cgroups);
  }

  /** The proc's uptests folder on the host; null when the proc has no name in a Procfile. */
  Path dir() {
    return procName == null ? null : layout.app().resolve("uptests").resolve(procName);
  }

  /**
   * The proc's uptests: every name in the app's {@code uptests/<proc name>/} not starting with a dot, in byte
   * order; none when there is no such folder. The app is the build's, and while the proc runs it is the
   * proc's: the folder is looked up as its containers see it, never through a link out of the app (the
   * original listed the host's {@code /etc} for {@code uptests -> /} and a proc named {@code etc}).
   */
  List<String> names() {
    return names(layout.app(), procName);
  }

  /** As {@link #names()}, for the proc named {@code procName} of the app in {@code app}. */
  static List<String> names(Path app, String procName) {
    if (procName == null) {
      return List.of();
    }
    List<String> all;
    try {
      all = Inside.list(app, "uptests/" + procName);
    } catch (InputException e) {
      throw new InputException("the app's " + e.getMessage());
    }
    if (all == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String n : all) {
      if (!n.startsWith(".")) {
        names.add(n);
      }
    }
    names.sort(null);
    return names;
  }

  /** The config of every uptest container but for {@code lxc.rootfs.path}. */
  String configText() {
    StringBuilder b = new StringBuilder();
    for (String l : config) {
      b.append(l).append('\n');
    }
    return b.toString();
  }

  /** A container of its own for uptest {@code file}, a name in {@link #dir}: {@code <file> <host> <port>}. */
  Container container(String file) {
    String name = ContainerNames.temporary(layout.containerName(), "u");
    Path upper = layout.scratch().resolve(name).resolve("upper");
    return new Container(name, upper, configText() + ROOTFS + rootfs + upper + "\n",
        ProcContainers.wrapped(List.of(INSIDE + procName + "/" + file, host, Integer.toString(port))));
  }
}
