package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.model.Hashing;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.testing.Lab;
import vr.common.testing.Prereqs;
import vr.common.testing.SshDaemon;
import vr.common.testing.Stacks;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Authenticator;
import vr.server.api.Router;
import vr.server.files.Blob;
import vr.server.files.DirBlobStore;
import vr.server.files.FileRoutes;
import vr.server.files.SignedUrlCheck;
import vr.server.files.SignedUrls;
import vr.server.jobs.JobRunner;
import vr.server.store.Database;

/**
 * The build step end to end on a real build host: this machine reached over SSH (a real sshd on loopback), the
 * checkout's vbuild (vr-builder's jar, laid out as scripts/build does) building in LXC on the busybox stack, whose image it
 * fetches from the server's file routes by a signed URL. Jobs go through a real {@link JobRunner} on H2.
 */
class BuildStepIT {
  @TempDir static Path tmp;
  static SshDaemon sshd;
  static SshHosts ssh;
  static Path busybox;
  static Path shellapp;
  static Path shellpack;
  static Path failing;
  static String vbuild;
  static final AtomicInteger N = new AtomicInteger();

  record Event(String message, List<String> tags, String title, Map<String, String> extra) {}

  Database db;
  DirBlobStore store;
  Javalin files;
  JobRunner runner;
  BuildStep step;
  String imageMd5;
  final List<Event> events = new CopyOnWriteArrayList<>();
  final List<BuildStep.Outcome> finished = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void host() throws Exception {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Prereqs.command("git", "git");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path bin = Lab.toolsFromTargets(tmp.resolve("dist"), java.util.Set.of("vbuild")).resolve("vbuild");
    vbuild = "RAPTOR_HOME=" + tmp.resolve("raptor") + " VR_ROOT=" + Files.createDirectories(tmp.resolve("vr")) + " "
        + bin + " --config " + tmp.resolve("no-vbuild.yaml");
    sshd = SshDaemon.start(tmp.resolve("sshd"));
    ssh = SshHosts.start(SshSettings.of(sshd.knownHosts(), List.of(sshd.clientKey())).withDefaultUser("root"));
    busybox = Stacks.busyboxImage(tmp.resolve("busybox_1.tar.gz"));
    shellapp = git(tmp.resolve("repos/shellapp"), Map.of("run.sh", "#!/bin/sh\necho hello on $PORT\n", "version.txt", "v1\n"));
    shellpack = git(tmp.resolve("repos/shellpack"), Map.of(
        "bin/detect", "#!/bin/sh\n[ -f \"$1/run.sh\" ] && { echo shell; exit 0; }\nexit 1\n",
        "bin/compile", "#!/bin/sh\necho \"shellpack: compiling $(cat $1/version.txt)\"\necho compiled > $1/compiled.txt\n",
        "bin/release", "#!/bin/sh\nprintf -- '---\\nconfig_vars:\\n  GREETING: hello\\ndefault_process_types:\\n  web: sh run.sh\\n'\n"));
    failing = git(tmp.resolve("repos/failing"), Map.of(
        "bin/detect", "#!/bin/sh\necho failing\n",
        "bin/compile", "#!/bin/sh\necho 'failing: about to fail'\nexit 3\n",
        "bin/release", "#!/bin/sh\necho '{}'\n"));
  }

  @AfterAll
  static void stopHost() {
    if (ssh != null) {
      ssh.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  static Path git(Path dir, Map<String, String> files) throws Exception {
    for (var f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
      if (f.getKey().startsWith("bin/") || f.getKey().endsWith(".sh")) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    run(dir, "git", "init", "-q", "-b", "main");
    run(dir, "git", "add", "-A");
    run(dir, "git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "initial");
    run(dir, "git", "tag", "v1");
    return dir;
  }

  static String run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }

  @BeforeEach
  void server() throws IOException {
    Path dir = tmp.resolve("server" + N.incrementAndGet());
    db = Database.open(Database.h2Url(dir), null, null);
    store = new DirBlobStore(dir.resolve("blobs"));
    SignedUrls urls = new SignedUrls(SignedUrls.newKey());
    SignedUrlCheck check = new SignedUrlCheck(urls);
    Authenticator auth = (ctx, access) -> {
      if (access == Access.SIGNED && check.present(ctx)) {
        return check.verify(ctx);
      }
      throw ApiException.unauthorized("authentication required");
    };
    files = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      FileRoutes.register(new Router(cfg.routes, auth), store, 1L << 30, Audit.NONE);
    }).start("127.0.0.1", 0);
    Blob image;
    try (InputStream in = Files.newInputStream(busybox)) {
      image = store.put(in, null);
    }
    imageMd5 = image.md5();
    db.jdbi().useHandle(h -> {
      h.execute("INSERT INTO buildpacks (repo_url, sort_order) VALUES (?, 1)", shellpack.toString());
      h.execute("INSERT INTO buildpacks (repo_url, sort_order) VALUES (?, 2)", failing.toString());
      h.execute("INSERT INTO stacks (name) VALUES ('busybox')");
      h.execute("INSERT INTO os_images (stack_id, name, file, file_md5, active) VALUES (1, 'busybox_1', ?, ?, TRUE)",
          image.key(), image.md5());
      // shellapp has no buildpack of its own: vbuild gets them all, in order, and shellpack detects it
      h.execute("INSERT INTO apps (name, repo_url, repo_type, stack_id) VALUES ('shellapp', ?, 'git', 1)", shellapp.toString());
      h.execute("INSERT INTO apps (name, repo_url, repo_type, stack_id, buildpack_id) VALUES ('badapp', ?, 'git', 1, 2)",
          shellapp.toString());
    });
    step = new BuildStep(db.jdbi(), ssh, store, urls, (m, t, ti, x) -> events.add(new Event(m, t, ti, x)),
        BuildStep.Settings.of(sshd.hostAndPort(), Duration.ofMinutes(10), "http://127.0.0.1:" + files.port())
            .withVbuild(vbuild).withWaitPoll(Duration.ofMillis(200)));
    step.onFinished(finished::add);
    runner = new JobRunner(db.dataSource(), db.jdbi(), JobRunner.Options.defaults().withName("it")
        .withPolling(Duration.ofMillis(200))).register("build", step.handler()).start();
  }

  @AfterEach
  void stop() {
    runner.close();
    files.stop();
    db.close();
  }

  long build(String app) {
    return db.jdbi().withHandle(h -> h.createUpdate("INSERT INTO builds (app_id, tag, os_image_id, status) "
            + "SELECT id, 'v1', 1, 'pending' FROM apps WHERE name = :a").bind("a", app)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
  }

  Map<String, Object> row(String table, long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM " + table + " WHERE id = :id").bind("id", id).mapToMap().one());
  }

  void awaitJobs(List<Long> jobs) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (jobs.stream().anyMatch(j -> !List.of("succeeded", "failed").contains(row("jobs", j).get("state")))) {
      assertThat(System.nanoTime()).as("jobs finished in time").isLessThan(end);
      Thread.sleep(200);
    }
  }

  String blobText(Object key) throws IOException {
    try (InputStream in = store.open((String) key, 0)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<String> remoteFolders(long buildId) throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/tmp"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vr-build-" + buildId + "-")).toList();
    }
  }

  List<Event> tagged(String... tags) {
    return events.stream().filter(e -> e.tags().equals(List.of(tags))).toList();
  }

  @Test
  void buildsOnceForTwoBuildsOfOneAppTagAndImageAndRecordsBoth() throws Exception {
    long b1 = build("shellapp");
    long b2 = build("shellapp");
    long release = db.jdbi().withHandle(h -> h.createUpdate("INSERT INTO releases (build_id, config_yaml, run_as) "
        + "VALUES (:b, 'a: 1\n', 'nobody')").bind("b", b1).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    List<Long> jobs = List.of(runner.enqueue("build", b1, null, "trace-1", "alice"),
        runner.enqueue("build", b2, null, "trace-2", "alice"));
    awaitJobs(jobs);

    assertThat(jobs).allSatisfy(j -> assertThat(row("jobs", j).get("state")).as("%s", row("jobs", j)).isEqualTo("succeeded"));
    assertThat(events.stream().filter(e -> e.message().startsWith("Started build"))).as("built once").hasSize(1);
    assertThat(tagged("build", "wait")).singleElement().satisfies(e -> assertThat(e.title()).isEqualTo("shellapp-v1 waiting"));
    Map<String, Object> one = row("builds", b1);
    Map<String, Object> two = row("builds", b2);
    for (Map<String, Object> b : List.of(one, two)) {
      assertThat(b).containsEntry("status", "success").containsEntry("file", one.get("file"))
          .containsEntry("file_md5", one.get("file_md5")).containsEntry("hash", Hashing.buildHash((String) one.get("file_md5"), imageMd5));
      assertThat(b.get("job_id")).isNull();
      assertThat(b.get("end_time")).isNotNull();
    }
    assertThat(store.stat((String) one.get("file"))).hasValueSatisfying(blob -> assertThat(blob.md5()).isEqualTo(one.get("file_md5")));
    assertThat((String) one.get("env_yaml")).contains("GREETING: hello");
    assertThat((String) one.get("buildpack_url")).startsWith(shellpack + "#");
    assertThat((String) one.get("buildpack_version")).matches("[0-9a-f]{40}");
    assertThat(blobText(one.get("compile_log"))).contains("--- vbuild ---").contains("--- compile.log ---")
        .contains("shellpack: compiling v1");
    Path tarball = tmp.resolve("b" + b1 + ".tar.gz");
    try (InputStream in = store.open((String) one.get("file"), 0)) {
      Files.copy(in, tarball);
    }
    assertThat(run(tmp, "tar", "xzOf", tarball.toString(), "compiled.txt")).isEqualTo("compiled\n");
    assertThat((String) row("releases", release).get("hash")).as("the build's release is hashed").matches("[0-9a-f]{8}");

    Event start = events.stream().filter(e -> e.message().startsWith("Started build")).findFirst().orElseThrow();
    assertThat(start.title()).isEqualTo("shellapp-v1");
    assertThat(start.tags()).containsExactly("build");
    assertThat(start.message()).contains("app_name: shellapp").contains("image_url: http://127.0.0.1:" + files.port() + "/files/");
    assertThat(tagged("build", "log")).isNotEmpty()
        .anySatisfy(e -> assertThat(e.message()).contains("shellpack: compiling v1"));
    assertThat(tagged("build", "success")).singleElement().satisfies(e -> {
      assertThat(e.title()).isEqualTo("shellapp-v1");
      assertThat(e.message()).matches("Completed build shellapp-v1 \\(build \\d+\\) in \\d+:\\d\\d:\\d\\d");
    });
    assertThat(finished).extracting(BuildStep.Outcome::buildId).containsExactlyInAnyOrder(b1, b2);
    assertThat(remoteFolders(b1)).isEmpty();
    assertThat(remoteFolders(b2)).isEmpty();
  }

  @Test
  void aResumedBuildJobRemovesWhatTheDeadAttemptLeftAndBuildsAnew() throws Exception {
    long b = build("shellapp");
    Path leftover = Files.createDirectories(Path.of("/tmp/vr-build-" + b + "-deadbeef"));
    Files.writeString(leftover.resolve("build_job.yaml"), "half a build\n");
    // Only the row (no scheduled run): this test plays the server that takes the job over.
    long job = db.jdbi().withHandle(h -> vr.server.jobs.JobQueue.ROWS_ONLY.enqueue(h, "build", b, null, "trace-5", "alice"));
    // What the dead server's attempt left: the job running (attempt 1), the build claimed by it.
    db.jdbi().useHandle(h -> {
      h.execute("UPDATE jobs SET state = 'running', attempts = 1 WHERE id = ?", job);
      h.execute("UPDATE builds SET status = 'started', job_id = ? WHERE id = ?", job, b);
    });

    String message = step.handler().run(new vr.server.jobs.Job(job, "build", b, null, "trace-5", "alice", 2));

    assertThat(message).startsWith("built shellapp-v1 in ");
    assertThat(row("builds", b)).containsEntry("status", "success");
    assertThat(leftover).doesNotExist();
    assertThat(remoteFolders(b)).isEmpty();
  }

  @Test
  void aFailingBuildIsMarkedFailedWakesItsWaiterAndLeavesNoRemoteFolder() throws Exception {
    long b = build("badapp");
    List<Long> jobs = List.of(runner.enqueue("build", b, null, "trace-3", "alice"),
        runner.enqueue("build", b, null, "trace-4", "alice"));
    awaitJobs(jobs);

    List<String> messages = new ArrayList<>();
    for (long j : jobs) {
      assertThat(row("jobs", j).get("state")).isEqualTo("failed");
      messages.add((String) row("jobs", j).get("message"));
    }
    assertThat(messages).anySatisfy(m -> assertThat(m).contains("failed with exit status 3"))
        .anySatisfy(m -> assertThat(m).startsWith("build " + b + " of the same app, tag and image failed: ")
            .contains("failed with exit status 3"));
    Map<String, Object> row = row("builds", b);
    assertThat(row).containsEntry("status", "failed");
    assertThat(row.get("file")).isNull();
    assertThat(row.get("end_time")).isNotNull();
    assertThat(blobText(row.get("compile_log"))).contains("failing: about to fail");
    assertThat(tagged("build", "failed")).singleElement().satisfies(e -> {
      assertThat(e.title()).isEqualTo("badapp-v1");
      assertThat(e.message()).contains("failed with exit status 3").doesNotContain("\n");
    });
    assertThat(tagged("build", "wait")).hasSize(1);
    assertThat(finished).hasSize(2).allSatisfy(o -> assertThat(o.success()).isFalse());
    assertThat(remoteFolders(b)).isEmpty();
  }
}
