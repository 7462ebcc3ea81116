package vr.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.fs.Trees;
import vr.common.cli.Progress;
import vr.common.fs.Archives;
import vr.common.fs.AtomicFiles;
import vr.common.fs.FileLock;
import vr.common.fs.Inside;
import vr.common.fs.Owner;
import vr.common.model.BuildData;
import vr.common.model.Hashing;
import vr.common.repo.GitSsh;
import vr.common.repo.Repo;
import vr.common.repo.RepoStore;
import vr.common.yaml.Yaml;

/**
 * Turns an app.yaml into a build: exports the app at its version and the buildpacks at their revisions from
 * the shared stores under {@link BuilderHome}, runs detect/compile/release in a container on the app's stack
 * as an unprivileged user, and writes {@code build.tar.gz}, {@code build_result.yaml} and {@code compile.log}
 * into an output directory. {@link #shell} prepares the same environment and opens a shell in it.
 *
 * <p>Builds of the same app are serialised by a lock on the app's URL that the second build waits for (the
 * original's did not wait). The app's buildpack cache is copied into the build and replaces the stored one
 * only after a successful build, so a failed compile cannot damage it.
 */
public final class Builder {
  /** The key build_result.yaml adds to pin the exact app revision when fed back. */
  public static final String APP_REVISION = "app_revision";
  public static final String BUILD_TARBALL = "build.tar.gz";
  public static final String BUILD_RESULT = "build_result.yaml";
  public static final String COMPILE_LOG = "compile.log";
  /** The user builds run as, as in the original. */
  public static final String BUILD_USER = "nobody";

  private final BuilderHome home;
  private final BuildContainer container;
  private final Stack defaultStack;
  private final Duration lockTimeout;
  private final GitSsh ssh;
  private final PrintStream out;

  /**
   * @param defaultStack the host's default stack, or null
   * @param ssh how git repositories are reached over SSH (app and buildpacks alike)
   * @param out progress messages and the compile output (the terminal, usually)
   */
  public Builder(BuilderHome home, BuildContainer container, Stack defaultStack, Duration lockTimeout, GitSsh ssh,
      PrintStream out) {
    this.home = home;
    this.container = container;
    this.defaultStack = defaultStack;
    this.lockTimeout = lockTimeout;
    this.ssh = ssh;
    this.out = out;
  }

  /** What a successful build wrote. */
  public record Result(BuildData data, Path tarball, Path buildResult, Path compileLog) {}

  /**
   * Builds the app described by {@code data} (read from {@code appYaml}, for error messages) into
   * {@code outDir}.
   *
   * @throws InputException (exit 2) for a build that cannot be described, before anything is done
   * @throws VrException (exit 1) when the build failed; no build.tar.gz or build_result.yaml is left then
   */
  public Result build(BuildData data, Path appYaml, Path outDir) {
    Stack stack = Stack.of(data, appYaml, defaultStack);
    try (FileLock lock = lockApp(data)) {
      Path tarball = outDir.resolve(BUILD_TARBALL);
      Path result = outDir.resolve(BUILD_RESULT);
      Path log = outDir.resolve(COMPILE_LOG);
      // Stale outputs of an earlier build must not pass for this one's if it fails.
      for (Path p : List.of(result, tarball, log)) {
        Files.deleteIfExists(p);
      }
      Path scratch = newScratch(data);
      try {
        Prepared prep = prepare(data, stack, scratch, false);
        int status = container.run(prep.job());
        String chosenUrl = checkOutcome(data, prep, status, log);
        Map<String, Object> release = releaseData(prep.job().meta().resolve("release.yaml"), chosenUrl);
        int removed = SlugIgnore.apply(prep.job().app());
        if (removed > 0) {
          out.println("-----> .slugignore removed " + removed + " path(s)");
        }
        out.println("-----> Packing " + BUILD_TARBALL);
        String md5 = packAtomically(prep.job().app(), tarball);
        copyAtomically(prep.job().meta().resolve("compile.log"), log);
        BuildData built = result(data, prep, chosenUrl, md5, release);
        writeAtomically(result, built.toYaml());
        persistCache(prep.job().buildpackCache(), home.cache(data.appName(), data.appRepoUrl()));
        out.println("-----> Built " + data.appName() + " " + data.version() + " (md5 " + md5 + ")");
        return new Result(built, tarball, result, log);
      } catch (RuntimeException | IOException e) {
        // Half-finished outputs must not look finished; compile.log stays to explain a failed compile.
        for (Path p : List.of(result, tarball)) {
          Files.deleteIfExists(p);
        }
        if (e instanceof IOException io) {
          throw new VrException("build of " + data.appName() + " failed: " + io.getMessage(), io);
        }
        throw (RuntimeException) e;
      } finally {
        Trees.deleteQuietly(scratch);
      }
    } catch (IOException e) {
      throw new VrException("build of " + data.appName() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Prepares the build environment of {@code data} exactly as {@link #build} does and runs an interactive
   * shell in it instead of the build; nothing is written and the cache is not kept. Returns the shell's exit
   * status.
   */
  public int shell(BuildData data, Path appYaml) {
    Stack stack = Stack.of(data, appYaml, defaultStack);
    try (FileLock lock = lockApp(data)) {
      Path scratch = newScratch(data);
      try {
        return container.run(prepare(data, stack, scratch, true).job());
      } catch (IOException e) {
        throw new VrException("cannot prepare the build environment of " + data.appName() + ": " + e.getMessage(), e);
      } finally {
        Trees.deleteQuietly(scratch);
      }
    }
  }

  /** One buildpack as exported for this build. */
  private record Pack(String url, String revision, Path dir) {}

  private record Prepared(BuildJob job, String appRevision, List<Pack> packs) {}

  private Prepared prepare(BuildData data, Stack stack, Path scratch, boolean interactive) throws IOException {
    // The app: a pinned app_revision (from a build_result.yaml) wins over version, which may have moved.
    Path app = scratch.resolve("app");
    // app_repo_url's #fragment is ignored: version names the revision
    RepoStore appStore = RepoStore.of(Repo.Vcs.named(data.appRepoType()), Repo.withoutFragment(data.appRepoUrl()),
        home.appStore(data.appRepoUrl()), ssh);
    out.println("-----> Fetching " + Repo.redacted(appStore.url()));
    appStore.update();
    Object pinned = data.extra().get(APP_REVISION);
    String appRevision = appStore.resolve(pinned instanceof String s && !s.isBlank() ? s : data.version());
    appStore.export(appRevision, app);
    out.println("       " + data.appName() + " " + data.version() + " is revision " + appRevision);

    List<Pack> packs = new ArrayList<>();
    List<String> urls = data.buildpacks();
    boolean detect = data.buildpackUrl() == null || data.buildpackUrl().isBlank();
    Path packsDir = Files.createDirectory(scratch.resolve("buildpacks"));
    for (int i = 0; i < urls.size(); i++) {
      packs.add(exportBuildpack(urls.get(i), packsDir.resolve(String.valueOf(i + 1)), detect));
    }

    Path cacheRoot = Files.createDirectory(scratch.resolve("cache"));
    Path stored = home.cache(data.appName(), data.appRepoUrl());
    if (Files.isDirectory(stored, LinkOption.NOFOLLOW_LINKS)) {
      Trees.copy(stored, cacheRoot.resolve("buildpack_cache"));
    } else {
      Files.createDirectory(cacheRoot.resolve("buildpack_cache"));
    }
    Files.createDirectory(cacheRoot.resolve("meta"));
    Owner user = buildUser();
    Trees.chown(app, user);
    Trees.chown(cacheRoot, user);
    Trees.openUp(packsDir);

    Path script = scratch.resolve("builder.sh");
    try (InputStream in = Builder.class.getResourceAsStream("builder.sh")) {
      Files.copy(in, script);
    }
    script.toFile().setExecutable(true, false);
    script.toFile().setReadable(true, false);

    BuildJob job = new BuildJob(scratch.getFileName().toString(), data.appName(), data.version(), stack, BUILD_USER,
        user.uid(), user.gid(), app, cacheRoot, packs.stream().map(Pack::dir).toList(), detect, interactive, script, out);
    return new Prepared(job, appRevision, packs);
  }

  private Pack exportBuildpack(String url, Path dest, boolean needsDetect) {
    String plain = Repo.withoutFragment(url);
    RepoStore store = RepoStore.of(url, home.buildpackStore(url), ssh);
    try (FileLock lock = lockOrWait(home.lock(plain), "buildpack " + plain)) {
      out.println("-----> Fetching buildpack " + Repo.redacted(store.url()));
      store.update();
      String rev = store.resolve(null); // the URL's #fragment, else the default branch
      store.export(rev, dest);
      for (String bin : needsDetect ? List.of("compile", "detect") : List.of("compile")) {
        Path p = dest.resolve("bin").resolve(bin);
        if (!Files.isRegularFile(p)) {
          throw new VrException("buildpack " + store.url() + " has no bin/" + bin);
        }
        if (!Files.isExecutable(p)) {
          throw new VrException("buildpack " + store.url() + ": bin/" + bin + " is not executable");
        }
      }
      return new Pack(store.url(), rev, dest);
    }
  }

  /** Reads what the script left and fails with one clear line unless compile and release succeeded. */
  private String checkOutcome(BuildData data, Prepared prep, int status, Path log) throws IOException {
    Path meta = prep.job().meta();
    if (Files.exists(meta.resolve("no-detect"))) {
      List<String> tried = prep.packs().stream().map(Pack::url).toList();
      throw new VrException("no buildpack detected app " + data.appName() + "; tried " + String.join(", ", tried));
    }
    Path compileLog = meta.resolve("compile.log");
    Path flag = meta.resolve("compile-status");
    if (!Files.exists(flag)) {
      copyIfPresent(compileLog, log);
      throw new VrException("the build container of " + data.appName() + " ended before compile finished (exit status "
          + status + "); it may have crashed" + (Files.exists(log) ? "; see " + COMPILE_LOG : ""));
    }
    String chosen = metaText(meta, "buildpack");
    String url = urlOf(prep, chosen);
    String compileStatus = metaText(meta, "compile-status");
    if (!compileStatus.equals("0")) {
      copyIfPresent(compileLog, log);
      throw new VrException("compile of " + data.appName() + " failed with exit status " + compileStatus
          + " (buildpack " + url + "); see " + COMPILE_LOG);
    }
    if (status != 0) {
      copyIfPresent(compileLog, log);
      throw new VrException("bin/release of buildpack " + url + " failed (exit status " + status + ")");
    }
    return url;
  }

  /** The {@code <url>#<revision>} of the buildpack the script chose (given by its directory in the container). */
  private static String urlOf(Prepared prep, String chosenInside) {
    String last = chosenInside.substring(chosenInside.lastIndexOf('/') + 1);
    for (int i = 0; i < prep.packs().size(); i++) {
      Pack p = prep.packs().get(i);
      if (last.equals(String.valueOf(i + 1)) || Path.of(chosenInside).equals(p.dir())) {
        return p.url() + "#" + p.revision();
      }
    }
    throw new VrException("the build script reported an unknown buildpack " + chosenInside);
  }

  /**
   * A short file the build script left in {@code meta}, which the build could write: read inside it, never
   * through a link (a link to a host file would show the file's text in an error), at most 4 KiB.
   */
  private static String metaText(Path meta, String name) {
    String text = Inside.readText(meta, name, 4096);
    if (text == null) {
      throw new VrException("the build container left no " + name + " in its meta folder");
    }
    return text.strip();
  }

  private static Map<String, Object> releaseData(Path releaseYaml, String buildpack) {
    try {
      // The build wrote it: read inside its folder (never through a link to a host file), within the limits
      // of every YAML file (at most 4 MiB).
      String text = Inside.readText(releaseYaml.getParent(), releaseYaml.getFileName().toString(), Yaml.MAX_FILE_BYTES);
      if (text == null) {
        throw new InputException("no release.yaml");
      }
      return new LinkedHashMap<>(Yaml.parse(text, Path.of("bin/release output")).asMap());
    } catch (InputException e) {
      throw new VrException("buildpack " + buildpack + " printed bad release YAML: " + e.getMessage(), e);
    }
  }

  private static BuildData result(BuildData in, Prepared prep, String buildpackUrl, String md5,
      Map<String, Object> release) {
    Map<String, Object> extra = new LinkedHashMap<>(in.extra());
    extra.put(APP_REVISION, prep.appRevision());
    String version = buildpackUrl.substring(buildpackUrl.lastIndexOf('#') + 1);
    Stack stack = prep.job().stack();
    return new BuildData(in.appName(), in.appRepoUrl(), in.appRepoType(), in.version(), buildpackUrl,
        in.buildpackUrls(), version, stack.url(), stack.name(), stack.md5(), md5, release, extra);
  }

  private FileLock lockApp(BuildData data) {
    return lockOrWait(home.lock(data.appRepoUrl()), "build of " + data.appName());
  }

  /**
   * Takes {@code file}'s lock, telling the user when it has to wait and failing after {@link #lockTimeout}. The
   * original's {@code lock_or_wait} did not wait: a second build of the same app failed at once.
   */
  private FileLock lockOrWait(Path file, String what) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new VrException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    try {
      return FileLock.tryExclusive(file);
    } catch (VrException e) {
      if (!busy(e)) {
        throw e;
      }
    }
    out.println("-----> Waiting for another " + what + " to finish (lock " + file + ", up to "
        + lockTimeout.toSeconds() + " s)");
    try {
      return FileLock.exclusive(file, lockTimeout);
    } catch (VrException e) {
      if (!busy(e)) {
        throw e;
      }
      throw new VrException("gave up after waiting " + lockTimeout.toSeconds() + " s for another " + what
          + " (lock " + file + " is still held)", e);
    }
  }

  private static boolean busy(VrException e) {
    return String.valueOf(e.getMessage()).contains("is locked by another process");
  }

  private Path newScratch(BuildData data) {
    try {
      Files.createDirectories(home.scratch());
      return Files.createDirectory(home.scratch().resolve(data.appName() + "-" + UUID.randomUUID().toString().substring(0, 8)));
    } catch (IOException e) {
      throw new VrException("cannot create a build directory under " + home.scratch() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The build user's uid and gid from this host's {@code /etc/passwd}; the stacks vr-suite makes give
   * {@code nobody} the same ids (65534), which is what the files must belong to inside the container.
   */
  private static Owner buildUser() {
    try {
      return Owner.resolve(BUILD_USER, null);
    } catch (InputException e) {
      throw new VrException("this host has no user " + BUILD_USER + " to build as", e);
    }
  }

  /** Packs on all cores into a temp file beside {@code target} and renames it into place; returns its md5. */
  private static String packAtomically(Path dir, Path target) throws IOException {
    Archives.createTarGz(dir, target, Progress.NONE);
    MessageDigest md5 = Hashing.md5();
    try (InputStream in = Files.newInputStream(target)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md5.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  private static void copyIfPresent(Path src, Path target) throws IOException {
    if (Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
      copyAtomically(src, target);
    }
  }

  /** The build's log (the build could write it): a regular file inside its folder, never a link's target. */
  private static void copyAtomically(Path src, Path target) throws IOException {
    try (InputStream in = Inside.open(src.getParent(), src.getFileName().toString())) {
      if (in == null) {
        throw new IOException(src.getFileName() + " is missing");
      }
      AtomicFiles.write(target, in, PosixFilePermissions.fromString("rw-r--r--"), true);
    } catch (InputException e) {
      throw new VrException("the build's " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path target, String text) {
    AtomicFiles.writeString(target, text);
  }


  /**
   * Replaces the stored cache with the build's by renames (both live under the builder's home): the new one
   * moves in beside the old, the old moves aside, the new takes its name, the old is deleted.
   */
  private static void persistCache(Path built, Path stored) throws IOException {
    Files.createDirectories(stored.getParent());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Path incoming = stored.resolveSibling("." + stored.getFileName() + ".new-" + tag);
    Path outgoing = stored.resolveSibling("." + stored.getFileName() + ".old-" + tag);
    Files.move(built, incoming, StandardCopyOption.ATOMIC_MOVE);
    if (Files.exists(stored, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(stored, outgoing, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(incoming, stored, StandardCopyOption.ATOMIC_MOVE);
    Trees.deleteQuietly(outgoing);
  }
}
