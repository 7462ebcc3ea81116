package vr.server.swarm;

import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.VrException;
import vr.common.exec.Shell;
import vr.common.model.BuildData;
import vr.common.model.Hashing;
import vr.common.ssh.CommandResult;
import vr.common.ssh.ExecOptions;
import vr.common.ssh.SshHosts;
import vr.common.yaml.Yaml;
import vr.server.api.rest.YamlValues;
import vr.server.files.Blob;
import vr.server.files.BlobStore;
import vr.server.files.FileRoutes;
import vr.server.files.SignedUrls;
import vr.server.jobs.JobHandler;

/**
 * The swarm's build step (reference 7.7 step 2, {@code build_app}): {@code vbuild build} on the build host over
 * SSH, its output streamed into the build's log and events, its tarball and log stored, the build and its
 * releases recorded. Only one build of an app, tag and image runs at a time ({@link BuildClaims}); a job that
 * needs a build another job is making waits for that build's outcome, and is woken when it fails as well as
 * when it succeeds (the original's waiters sat in Redis until they expired when a build failed).
 *
 * <p>The job handler for kind {@code build} is {@link #handler()}; a swarm calls {@link #awaitOrBuild}. A
 * resumed job (its server died mid-build) claims its build again and builds it anew in a fresh remote folder: a
 * build is a function of its inputs, and nothing is recorded until the tarball is stored.
 */
public final class BuildStep {
  private static final Logger LOG = LoggerFactory.getLogger(BuildStep.class);
  private static final int MAX_LOG_CHARS = 8 << 20;
  private static final int MAX_RESULT_BYTES = 1 << 20;

  /**
   * @param host the build host as the SSH client names it ({@code [user@]host[:port]}; {@code BUILD_HOST})
   * @param vbuild the command that runs vbuild there (a path, or with environment assignments before it)
   * @param timeout how long one build may take before it is killed ({@code BUILD_TIMEOUT})
   * @param publicUrl the server's base URL as the build host reaches it ({@code PUBLIC_URL}), for the image
   * @param sudo run vbuild as root through sudo when the login user is not root (vbuild needs root)
   * @param eventEvery how often the build's new output lines go out as one event
   * @param waitPoll how often a waiting job looks at the build it waits for (a build on this server wakes it at once)
   */
  public record Settings(String host, String vbuild, Duration timeout, String publicUrl, boolean sudo,
      Duration eventEvery, Duration waitPoll) {
    public Settings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(vbuild, "vbuild");
      Objects.requireNonNull(publicUrl, "publicUrl");
      publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** vbuild from the PATH through sudo, output events every 5 s, waiters polling every 2 s. */
    public static Settings of(String host, Duration timeout, String publicUrl) {
      return new Settings(host, "vbuild", timeout, publicUrl, true, Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    public Settings withVbuild(String command) {
      return new Settings(host, command, timeout, publicUrl, sudo, eventEvery, waitPoll);
    }

    public Settings withWaitPoll(Duration poll) {
      return new Settings(host, vbuild, timeout, publicUrl, sudo, eventEvery, poll);
    }
  }

  /** Where the build's events go: {@code EventSender::publish} in the server. */
  @FunctionalInterface
  public interface Events {
    void publish(String message, List<String> tags, String title, Map<String, String> extra);
  }

  /** How a build ended for the job that asked: built here, built by another job, or failed (one line). */
  public record Outcome(long buildId, boolean success, String message) {}

  private final Jdbi jdbi;
  private final SshHosts ssh;
  private final BlobStore store;
  private final SignedUrls urls;
  private final Events events;
  private final Settings settings;
  private final BuildClaims claims;
  private final List<Consumer<Outcome>> listeners = new CopyOnWriteArrayList<>();
  private final Object finished = new Object();

  public BuildStep(Jdbi jdbi, SshHosts ssh, BlobStore store, SignedUrls urls, Events events, Settings settings) {
    this.jdbi = jdbi;
    this.ssh = ssh;
    this.store = store;
    this.urls = urls;
    this.events = events;
    this.settings = settings;
    this.claims = new BuildClaims(jdbi);
  }

  /** The handler for jobs of kind {@code build} (target: the build's id): builds it again, or waits for the job building it. */
  public JobHandler handler() {
    return job -> {
      if (job.targetId() == null) {
        throw new VrException("a build job needs the build's id");
      }
      if (job.resumed()) {
        removeLeftovers(job.targetId());
      }
      Outcome o = run(job.targetId(), job.id(), job.traceId(), false);
      if (!o.success()) {
        throw new VrException(o.message());
      }
      return o.message();
    };
  }

  /**
   * For a swarm's job {@code jobId}: the build when it is built already; else waits for the job building it (of
   * this build or another of the same app, tag and image) and takes its outcome; else builds it in this thread.
   */
  public Outcome awaitOrBuild(long buildId, long jobId, String traceId) {
    return run(buildId, jobId, traceId, true);
  }

  /**
   * Removes the remote folders an earlier attempt of a build left when its server died (a live attempt removes its
   * own). A resumed job then builds anew: vbuild's output depends only on its inputs, and nothing was recorded.
   */
  public void removeLeftovers(long buildId) {
    try {
      ssh.exec(settings.host(), "rm -rf /tmp/vr-build-" + buildId + "-*", ExecOptions.defaults().sudo(settings.sudo())).orThrow();
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot remove what earlier builds of {} left: {}", settings.host(), buildId, e.getMessage());
    }
  }

  /** Called (on the job's thread) after every build this server finished or took the outcome of, success or not. */
  public void onFinished(Consumer<Outcome> listener) {
    listeners.add(listener);
  }

  private Outcome run(long buildId, long jobId, String trace, boolean reuse) {
    boolean announced = false;
    while (true) {
      BuildClaims.Decision d = claims.claim(buildId, jobId, reuse);
      if (d instanceof BuildClaims.Decision.Done) {
        return new Outcome(buildId, true, "build " + buildId + " is built already");
      }
      if (d instanceof BuildClaims.Decision.Build) {
        return finish(build(buildId, jobId, trace));
      }
      BuildClaims.Decision.Wait w = (BuildClaims.Decision.Wait) d;
      if (!announced) {
        announced = true;
        String title = jdbi.withHandle(h -> BuildInputs.read(h, buildId)).title();
        events.publish("Build " + buildId + " waits for build " + w.holderBuildId() + " of " + title + " (job "
            + w.holderJobId() + ")", List.of("build", "wait"), title + " waiting", extra(trace));
      }
      BuildClaims.State s = awaitHolder(w.holderBuildId());
      if (!s.finished()) {
        continue; // the holder's job ended without finishing the build: claim again
      }
      boolean ok = "success".equals(s.status());
      if (w.holderBuildId() != buildId) {
        claims.adopt(buildId, w.holderBuildId());
      }
      String why = claims.jobMessage(w.holderJobId()).filter(m -> !ok).map(m -> ": " + m).orElse("");
      return finish(new Outcome(buildId, ok, ok ? "built by job " + w.holderJobId() + " (build " + w.holderBuildId() + ")"
          : "build " + w.holderBuildId() + " of the same app, tag and image failed" + why));
    }
  }

  private BuildClaims.State awaitHolder(long holderBuildId) {
    long end = System.nanoTime() + settings.timeout().multipliedBy(2).toNanos();
    while (true) {
      BuildClaims.State s = claims.state(holderBuildId);
      if (!s.building()) {
        return s;
      }
      if (System.nanoTime() > end) {
        throw new VrException("gave up waiting for build " + holderBuildId + " after " + settings.timeout().multipliedBy(2));
      }
      synchronized (finished) {
        try {
          finished.wait(settings.waitPoll().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new VrException("interrupted while waiting for build " + holderBuildId);
        }
      }
    }
  }

  private Outcome finish(Outcome o) {
    synchronized (finished) {
      finished.notifyAll();
    }
    for (Consumer<Outcome> l : listeners) {
      try {
        l.accept(o);
      } catch (RuntimeException e) {
        LOG.warn("a build listener failed", e);
      }
    }
    return o;
  }

  private Outcome build(long buildId, long jobId, String trace) {
    long t0 = System.nanoTime();
    BuildInputs in;
    try {
      in = jdbi.withHandle(h -> BuildInputs.read(h, buildId));
    } catch (RuntimeException e) {
      claims.failure(buildId, jobId, null, message(e));
      return failed(buildId, "build " + buildId, trace, message(e));
    }
    String imageUrl = in.image() == null ? null : settings.publicUrl()
        + FileRoutes.signedUrl(urls, in.image().fileKey(), in.image().name() + ".tar.gz", settings.timeout().plusHours(1));
    String yaml = in.yaml(imageUrl);
    events.publish("Started build " + in.title() + " (build " + buildId + ")\n\n" + yaml, List.of("build"), in.title(), extra(trace));
    BuildLog log = new BuildLog(MAX_LOG_CHARS);
    String dir = null;
    String logKey = null;
    try {
      dir = ssh.exec(settings.host(), "mktemp -d /tmp/vr-build-" + buildId + "-XXXXXXXX", ExecOptions.defaults())
          .orThrow().stdout().strip();
      if (!dir.startsWith("/tmp/vr-build-")) {
        throw new VrException(settings.host() + ": mktemp answered '" + dir + "'");
      }
      ssh.upload(settings.host(), yaml.getBytes(StandardCharsets.UTF_8), dir + "/build_job.yaml", 0644);
      CommandResult r = follow(ssh.submit(settings.host(), "cd " + Shell.quote(dir) + " && LANG=C.UTF-8 "
          + settings.vbuild() + " build build_job.yaml",
          ExecOptions.defaults().timeout(settings.timeout()).onLine(log).sudo(settings.sudo())), log, in, trace);
      String compileLog = readIfThere(dir + "/compile.log");
      String lxcDebug = readIfThere(dir + "/lxcdebug.log");
      logKey = storeLog(log.text(), compileLog, lxcDebug);
      if (!r.ok()) {
        throw new VrException(r.message());
      }
      if (compileLog == null) {
        throw new VrException("vbuild left no compile.log");
      }
      BuildData result = BuildData.from(Yaml.parse(new String(ssh.read(settings.host(), dir + "/build_result.yaml",
          MAX_RESULT_BYTES), StandardCharsets.UTF_8), Path.of("build_result.yaml")));
      Blob tarball = fetchTarball(dir + "/build.tar.gz", result.buildMd5());
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("file", tarball.key());
      values.put("file_md5", tarball.md5());
      values.put("hash", Hashing.buildHash(tarball.md5(), in.image() == null ? null : in.image().md5()));
      Object vars = result.releaseData() == null ? null : result.releaseData().get("config_vars");
      values.put("env_yaml", vars instanceof Map<?, ?> m && !m.isEmpty() ? YamlValues.store(stringKeys(m)) : null);
      values.put("buildpack_url", result.buildpackUrl());
      values.put("buildpack_version", result.buildpackVersion());
      values.put("compile_log", logKey);
      if (!claims.success(buildId, jobId, values)) {
        return new Outcome(buildId, false, "build " + buildId + " was taken over by another job; this result was dropped");
      }
      String elapsed = elapsed(System.nanoTime() - t0);
      events.publish("Completed build " + in.title() + " (build " + buildId + ") in " + elapsed, List.of("build", "success"),
          in.title(), extra(trace));
      return new Outcome(buildId, true, "built " + in.title() + " in " + elapsed);
    } catch (RuntimeException e) {
      claims.failure(buildId, jobId, logKey, message(e));
      return failed(buildId, in.title(), trace, message(e));
    } finally {
      if (dir != null) {
        removeRemote(dir);
      }
    }
  }

  private Outcome failed(long buildId, String title, String trace, String why) {
    events.publish(why, List.of("build", "failed"), title, extra(trace));
    return new Outcome(buildId, false, why);
  }

  /** Waits for the remote build, sending its new output lines as an event every {@code eventEvery}. */
  private CommandResult follow(Future<CommandResult> f, BuildLog log, BuildInputs in, String trace) {
    try {
      while (true) {
        try {
          CommandResult r = f.get(settings.eventEvery().toMillis(), TimeUnit.MILLISECONDS);
          publishLines(log, in, trace);
          return r;
        } catch (TimeoutException e) {
          publishLines(log, in, trace);
        }
      }
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while building " + in.title());
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new VrException(String.valueOf(c.getMessage()), c);
    }
  }

  private void publishLines(BuildLog log, BuildInputs in, String trace) {
    List<String> lines = log.drain();
    if (!lines.isEmpty()) {
      events.publish(String.join("\n", lines), List.of("build", "log"), in.title(), extra(trace));
    }
  }

  private String readIfThere(String path) {
    try {
      return new String(ssh.read(settings.host(), path, MAX_LOG_CHARS), StandardCharsets.UTF_8);
    } catch (VrException e) {
      return null;
    }
  }

  /** The build's log as one stored text: vbuild's output, then the compile and container logs when present. */
  private String storeLog(String output, String compileLog, String lxcDebug) {
    List<String> parts = new ArrayList<>();
    parts.add("--- vbuild ---\n" + output.strip());
    if (compileLog != null) {
      parts.add("--- compile.log ---\n" + compileLog.strip());
    }
    if (lxcDebug != null) {
      parts.add("--- lxcdebug.log ---\n" + lxcDebug.strip());
    }
    byte[] text = (String.join("\n\n", parts) + "\n").getBytes(StandardCharsets.UTF_8);
    try (InputStream in = new ByteArrayInputStream(text)) {
      return store.put(in, null).key();
    } catch (java.io.IOException e) {
      throw new VrException("cannot store the build log: " + e.getMessage(), e);
    }
  }

  private Blob fetchTarball(String remote, String md5) {
    Path local = null;
    try {
      local = Files.createTempFile("vr-build-", ".tar.gz");
      ssh.download(settings.host(), remote, local);
      try (InputStream in = Files.newInputStream(local)) {
        return store.put(in, md5);
      }
    } catch (java.io.IOException e) {
      throw new VrException("cannot store build.tar.gz: " + e.getMessage(), e);
    } finally {
      if (local != null) {
        try {
          Files.deleteIfExists(local);
        } catch (java.io.IOException e) {
          LOG.warn("cannot remove {}: {}", local, e.toString());
        }
      }
    }
  }

  private void removeRemote(String dir) {
    try {
      ssh.exec(settings.host(), "rm -rf " + Shell.quote(dir), ExecOptions.defaults().sudo(settings.sudo())).orThrow();
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot remove the build folder {}: {}", settings.host(), dir, e.getMessage());
    }
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static Map<String, String> extra(String trace) {
    return trace == null ? null : Map.of("swarm_trace_id", trace);
  }

  private static String message(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ");
  }

  /** As Python prints a timedelta, to the second: {@code 0:01:23}. */
  static String elapsed(long nanos) {
    long s = Math.round(nanos / 1e9);
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
