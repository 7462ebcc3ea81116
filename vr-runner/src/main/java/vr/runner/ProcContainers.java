package vr.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vr.common.container.ContainerNames;
import vr.common.container.ContainerSpec;
import vr.common.container.ContainerSpec.Mount;
import vr.common.model.ProcData;

/**
 * The containers of one proc. All share the stack image and the proc's layer as read-only lowers and the
 * proc's /app, volumes and the host's /etc/hosts and /etc/resolv.conf. The proc itself writes into its own
 * {@code rootfs/}; uptest and shell containers each get a throwaway upper dir, because a live upper dir must
 * never be another overlay's layer (the kernel warns that this is undefined behaviour).
 */
final class ProcContainers {
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  enum Kind { RUN, UPTEST, SHELL }

  private ProcContainers() {}

  static ContainerSpec spec(ProcPlan plan, ProcLayout layout, Path image, Kind kind, Extras extras,
      List<String> command) {
    String name = kind == Kind.RUN ? layout.containerName()
        : ContainerNames.temporary(layout.containerName(), kind == Kind.UPTEST ? "u" : "s");
    Path upper = kind == Kind.RUN ? layout.rootfs() : layout.scratch().resolve(name).resolve("upper");
    ContainerSpec.Builder b = ContainerSpec.builder(name, layout.lxcPath())
        .lower(layout.layer())
        .lower(image)
        .upper(upper)
        .user(plan.owner().uid(), plan.owner().gid())
        .memory(plan.memoryLimit(), plan.memswLimit())
        .pids(plan.pidsLimit())
        .cpuShares(plan.cpuShares())
        .cwd("/app")
        .env("PATH", PATH)
        .command(command);
    // An uptest must not change the app under the running proc.
    b.mount(Mount.bind(extras.app() != null ? extras.app() : layout.app(), "/app", kind == Kind.UPTEST));
    for (ProcData.Volume v : plan.proc().volumes()) {
      b.mount(Mount.bind(Path.of(v.outside()), v.inside(), false));
    }
    b.mount(Mount.bindFile(Path.of("/etc/hosts"), "/etc/hosts", true, true));
    b.mount(Mount.bindFile(Path.of("/etc/resolv.conf"), "/etc/resolv.conf", true, true));
    for (Mount m : extras.mounts()) {
      b.mount(m);
    }
    return b.build();
  }

  static List<String> runCommand() {
    return List.of("/bin/sh", ProcScripts.PROC_SH, "run");
  }

  static List<String> wrapped(List<String> command) {
    List<String> c = new ArrayList<>(List.of("/bin/sh", ProcScripts.PROC_SH));
    c.addAll(command);
    return c;
  }
}
