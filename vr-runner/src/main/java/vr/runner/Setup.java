package vr.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.container.Lxc;
import vr.common.fs.Archives;
import vr.common.fs.Downloads;
import vr.common.fs.FileLock;
import vr.common.fs.StackImages;
import vr.common.fs.Trees;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;

/**
 * {@code vrun setup}: everything a proc needs before it can run. The app and the layer are built in a staging
 * dir beside the procs and moved into place only when complete, so a failed setup (a corrupt build, a
 * Procfile without the proc) leaves the proc folder as it was, or absent if it was absent.
 */
final class Setup {
  private final VrPaths paths;
  private final Lxc lxc;
  private final Progress progress;
  private final Map<String, String> hostEnv;

  Setup(VrPaths paths, Lxc lxc, Progress progress, Map<String, String> hostEnv) {
    this.paths = paths;
    this.lxc = lxc;
    this.progress = progress;
    this.hostEnv = hostEnv;
  }

  void run(ProcPlan plan, ProcPlan.Where where, Extras extras) {
    ProcData p = plan.proc();
    for (ProcData.Volume v : p.volumes()) {
      if (!Files.isDirectory(Path.of(v.outside()))) {
        throw new VrException("volume " + v.outside() + " does not exist on this host (create it first)");
      }
    }
    ProcLayout layout = ProcLayout.of(paths, plan.name());
    Path image = StackImages.ensure(paths, plan.imageName(), p.imageUrl(), p.imageMd5(), progress);
    Path build = p.buildUrl() == null ? null : ensureBuild(p);
    Path stage = paths.procs().resolve(".setup-" + UUID.randomUUID());
    boolean created = false;
    try {
      Files.createDirectories(paths.procs());
      Files.createDirectory(stage);
      Path app = stage.resolve("app");
      if (build != null) {
        Archives.extract(build, app, plan.owner(), progress);
      } else {
        Files.createDirectory(app);
        chown(app, plan);
      }
      String cmd = p.cmd() != null ? p.cmd() : Procfile.command(app, p.procName()).orElseThrow(
          () -> where.error("proc_name", "'" + p.procName() + "' is not in the build's Procfile, and there is no cmd"));
      UptestTemplate.names(app, p.procName()); // a build whose uptests lead out of it is refused here
      writeLayer(stage.resolve("layer"), plan, cmd, extras);
      created = !Files.isDirectory(layout.dir());
      Files.createDirectories(layout.dir());
      swapIn(app, layout.app(), stage);
      swapIn(stage.resolve("layer"), layout.layer(), stage);
      Files.createDirectories(layout.rootfs());
      lxc.prepare(ProcContainers.spec(plan, layout, image, ProcContainers.Kind.RUN, extras,
          ProcContainers.runCommand()));
    } catch (IOException e) {
      if (created) {
        Trees.deleteOrFail(layout.dir());
      }
      throw new VrException("setup of " + plan.name() + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (created) {
        Trees.deleteOrFail(layout.dir());
      }
      throw e;
    } finally {
      Trees.deleteOrFail(stage);
    }
  }

  /** The build tarball in {@code builds/}, downloaded when missing or when its md5 differs. */
  private Path ensureBuild(ProcData p) {
    Path dest = paths.builds().resolve(VrPaths.basename(p.buildUrl()));
    try {
      Files.createDirectories(paths.builds());
    } catch (IOException e) {
      throw new VrException("cannot create " + paths.builds() + ": " + e.getMessage(), e);
    }
    // Procs of one release share the build; one downloads, the others wait for it.
    try (FileLock lock = FileLock.exclusive(paths.builds().resolve("." + dest.getFileName() + ".lock"),
        Duration.ofMinutes(30))) {
      Downloads.ensure(p.buildUrl(), dest, p.buildMd5(), progress);
    }
    return dest;
  }

  private void writeLayer(Path layer, ProcPlan plan, String cmd, Extras extras) throws IOException {
    ProcData p = plan.proc();
    Files.createDirectories(layer.resolve("app"));
    for (ProcData.Volume v : p.volumes()) {
      Files.createDirectories(layer.resolve(v.inside().substring(1)));
    }
    write(layer, ProcScripts.PROC_SH, ProcScripts.procSh(plan.name().format(), cmd, plan.port()), "rwxr-xr-x", null);
    // The env may hold secrets: readable by root and the proc's group only.
    write(layer, ProcScripts.ENV_SH, ProcScripts.envSh(p.env(), hostEnv), "rw-r-----", plan);
    write(layer, ProcScripts.SETTINGS, ProcScripts.settingsYaml(p.settings()), "rw-r-----", plan);
    for (Extras.ExtraFile f : extras.files()) {
      Path target = layer.resolve(f.path().substring(1));
      Files.createDirectories(target.getParent());
      Files.write(target, f.content());
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(f.executable() ? "rwxr-xr-x" : "rw-r--r--"));
    }
  }

  private static void write(Path layer, String path, String text, String mode, ProcPlan groupOf) throws IOException {
    Path f = layer.resolve(path.substring(1));
    Files.writeString(f, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    if (groupOf != null) {
      Files.setAttribute(f, "unix:gid", groupOf.owner().gid(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  private static void chown(Path p, ProcPlan plan) throws IOException {
    Files.setAttribute(p, "unix:uid", plan.owner().uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", plan.owner().gid(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Replaces {@code target} with {@code fresh}; the old one goes into the staging dir, deleted with it. */
  private static void swapIn(Path fresh, Path target, Path stage) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(target, stage.resolve("old-" + target.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
  }
}
