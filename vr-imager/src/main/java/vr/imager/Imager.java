package vr.imager;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.fs.Archives;
import vr.common.fs.Downloads;
import vr.common.fs.StackImages;
import vr.common.fs.Trees;
import vr.common.fs.VrPaths;

/**
 * Builds stack images ({@code vimage build}) and opens a shell on a base image ({@code vimage shell}).
 *
 * <p>A build: the base tarball is cached under {@code images/<base_image_name>/} and unpacked afresh into a
 * temp directory; the provisioning script is copied in and run as root in a container whose root filesystem is
 * that copy (read-write, host network, the image.yaml's {@code env} on top of a default PATH and HOME); its
 * output goes to the terminal and to {@code <new_image_name>.log}; on success the script is removed and the
 * tree is packed into {@code <new_image_name>.tar.gz}, written to a temp file and renamed into place. A failing
 * script leaves the log and no image. The temp directory is removed in every case.
 *
 * <p>Fixes of the original: the env was built and never passed to the container; the script was left in the
 * image (its removal test was inverted); the tarball appeared under its final name while being written.
 */
public final class Imager {
  /** PATH of a Debian root login, so that a script finds apt-get, useradd and friends. */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final VrPaths paths;
  private final ImageContainer container;
  private final Progress progress;
  private final Consumer<String> notes;
  private final Path hostResolvConf;
  private final Map<Path, Thread> hooks = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param paths the host layout; the base image cache is {@code paths.images()}
   * @param container runs the script or the shell
   * @param progress download and extraction progress
   * @param notes receives one line per step, for the user
   */
  public Imager(VrPaths paths, ImageContainer container, Progress progress, Consumer<String> notes) {
    this(paths, container, progress, notes, Path.of("/etc/resolv.conf"));
  }

  Imager(VrPaths paths, ImageContainer container, Progress progress, Consumer<String> notes, Path hostResolvConf) {
    this.paths = paths;
    this.container = container;
    this.progress = progress == null ? Progress.NONE : progress;
    this.notes = notes == null ? s -> {} : notes;
    this.hostResolvConf = hostResolvConf;
  }

  /** What a build wrote. */
  public record Result(Path image, Path log) {}

  /**
   * Builds the image described by {@code job} into {@code outDir}; the script's output is copied to
   * {@code terminal} as it comes.
   *
   * @throws VrException when the base image cannot be fetched or unpacked, the script fails (the log is kept),
   *     or the image cannot be packed; no image is written then
   */
  public Result build(ImageJob job, Path outDir, OutputStream terminal) {
    Path out = outDir.toAbsolutePath().normalize();
    Path image = out.resolve(job.newImageName() + ".tar.gz");
    Path log = out.resolve(job.newImageName() + ".log");
    if (!Files.isDirectory(out)) {
      throw new VrException("output directory " + out + " does not exist");
    }
    container.checkUsable();
    Path tarball = ensureBase(job);
    Path tmp = tempDir(job);
    try {
      Path rootfs = unpack(job, tarball, tmp);
      Path scriptDir = installScript(job, rootfs, tmp);
      ResolvConf resolv = ResolvConf.install(rootfs, hostResolvConf);
      String inside = "/" + rootfs.relativize(scriptDir.resolve(job.scriptName()));
      notes.accept("running " + job.scriptName() + " in the image (output also in " + log.getFileName() + ")");
      int status;
      try (OutputStream logStream = Files.newOutputStream(log, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        OutputStream tee = new Tee(terminal, logStream);
        status = container.run(new ImageContainer.Run(rootfs, tmp.resolve("container"), env(job, false),
            List.of(inside)), tee);
        tee.flush();
      } catch (IOException e) {
        throw new VrException("cannot write " + log + ": " + e.getMessage(), e);
      }
      if (status != 0) {
        throw new VrException("provisioning script " + job.scriptName() + " failed with exit status " + status
            + "; no image written; its output is in " + log);
      }
      Trees.deleteOrFail(scriptDir);
      resolv.restore();
      notes.accept("packing " + image.getFileName());
      Archives.createTarGz(rootfs, image, progress);
      return new Result(image, log);
    } finally {
      cleanUp(tmp);
    }
  }

  /**
   * Opens an interactive root shell (bash when the image has it, else sh) in a fresh copy of the base image,
   * with the provisioning script copied in for trying it out by hand. Changes are discarded afterwards.
   *
   * @return the exit status of the shell as far as the container layer reports it
   */
  public int shell(ImageJob job, String term) {
    container.checkUsable();
    Path tarball = ensureBase(job);
    Path tmp = tempDir(job);
    try {
      Path rootfs = unpack(job, tarball, tmp);
      Path scriptDir = installScript(job, rootfs, tmp);
      ResolvConf.install(rootfs, hostResolvConf);
      notes.accept("the provisioning script is " + "/" + rootfs.relativize(scriptDir.resolve(job.scriptName()))
          + "; changes made in this shell are discarded when it exits");
      String shell = Files.exists(rootfs.resolve("bin/bash")) || Files.exists(rootfs.resolve("usr/bin/bash"))
          ? "/bin/bash" : "/bin/sh";
      Map<String, String> env = env(job, true);
      if (term != null && !term.isBlank() && !job.data().env().containsKey("TERM")) {
        env.put("TERM", term);
      }
      return container.interactive(new ImageContainer.Run(rootfs, tmp.resolve("container"), env, List.of(shell)));
    } finally {
      cleanUp(tmp);
    }
  }

  /** The environment of the script: a root login's PATH and HOME, then the image.yaml's env on top. */
  static Map<String, String> env(ImageJob job, boolean interactive) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    env.put("HOME", "/root");
    env.put("TERM", interactive ? "xterm" : "dumb");
    env.putAll(job.data().env());
    return env;
  }

  /** The base tarball in the cache, fetched when missing or when its md5 differs from base_image_md5. */
  private Path ensureBase(ImageJob job) {
    Path cached = paths.image(job.data().baseImageName()).resolve(job.baseTarballName());
    // The cache's lock: a build and a proc setup may fetch the same image at once.
    Downloads.Outcome o = StackImages.tarball(paths, job.data().baseImageName(), job.baseSource(), cached,
        job.data().baseImageMd5(), progress);
    notes.accept((o == Downloads.Outcome.CACHED ? "using cached base image " : "fetched base image ") + cached);
    return cached;
  }

  private Path tempDir(ImageJob job) {
    try {
      Files.createDirectories(paths.images());
      // Beside the cache rather than in /tmp: an unpacked OS image is large and /tmp may be a small tmpfs.
      Path tmp = Files.createTempDirectory(paths.images(), ".vimage-" + job.newImageName() + "-");
      // Ctrl-C ends the JVM without running finally blocks: stop the container and remove the copy then too.
      Thread hook = new Thread(() -> {
        container.abort();
        cleanUp(tmp);
      }, "vimage-cleanup");
      hooks.put(tmp, hook);
      Runtime.getRuntime().addShutdownHook(hook);
      return tmp;
    } catch (IOException e) {
      throw new VrException("cannot create a work directory in " + paths.images() + ": " + e.getMessage(), e);
    }
  }

  private Path unpack(ImageJob job, Path tarball, Path tmp) {
    notes.accept("unpacking " + tarball.getFileName());
    Path rootfs = tmp.resolve("rootfs");
    Archives.extract(tarball, rootfs, null, progress);
    return rootfs;
  }

  /**
   * Puts the script into a directory of its own at the image's root ({@code /.vimage-<random>/<name>}): never
   * over a file of the image (a script named like a directory of the image would replace it), and removed whole.
   */
  private Path installScript(ImageJob job, Path rootfs, Path tmp) {
    try {
      Path source;
      String s = job.scriptSource();
      String lower = s.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("http://") || lower.startsWith("https://")) {
        source = tmp.resolve("script").resolve(job.scriptName());
        Downloads.ensure(s, source, null, progress);
      } else {
        source = Path.of(s);
      }
      Path dir = Files.createTempDirectory(rootfs, ".vimage-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path target = dir.resolve(job.scriptName());
      Files.copy(source, target);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new VrException("cannot copy the provisioning script " + job.scriptSource() + " into the image: "
          + e.getMessage(), e);
    }
  }

  /** Removes the work directory; a failure to do so is reported but does not hide the build's own outcome. */
  private void cleanUp(Path tmp) {
    Thread hook = hooks.remove(tmp);
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        return; // shutting down: the hook is removing it
      }
    }
    try {
      // Trees.delete tolerates entries that vanish meanwhile: a shutdown hook may be removing the same tree.
      Trees.deleteOrFail(tmp);
    } catch (VrException e) {
      notes.accept("warning: " + e.getMessage());
    }
  }
}
