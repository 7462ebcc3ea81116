package vr.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vr.common.VrException;
import vr.server.store.Database;

/**
 * Two job runners on one database, as two server processes would be: each job runs once, a handler's failure is
 * the job's outcome, the enqueue is part of the caller's transaction, and a job whose server died mid-way is
 * taken over by the other after the dead-execution interval. Subclasses give the database.
 */
abstract class JobRunnerContract {
  Database db;
  final List<JobRunner> runners = new ArrayList<>();

  abstract String jdbcUrl();

  @BeforeEach
  void open() {
    db = Database.open(jdbcUrl(), null, null);
  }

  @AfterEach
  void close() {
    runners.forEach(JobRunner::close);
    db.close();
  }

  JobRunner runner(String name, JobRunner.Options o) {
    JobRunner r = new JobRunner(db.dataSource(), db.jdbi(), o.withName(name));
    runners.add(r);
    return r;
  }

  static JobRunner.Options fast() {
    return JobRunner.Options.defaults().withPolling(Duration.ofMillis(100)).withHeartbeat(Duration.ofMillis(200), 4)
        .withShutdownMaxWait(Duration.ofMillis(300));
  }

  Map<String, Object> row(long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE id = :id").bind("id", id).mapToMap().one());
  }

  long count(String table) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
  }

  static void await(String what, Duration max, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + max + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  boolean allFinished() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE state NOT IN ('succeeded', 'failed')")
        .mapTo(Long.class).one()) == 0;
  }

  @Test
  void aScheduledJobRunsOncePerIntervalAcrossTwoRunnersAndIsRecorded() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    for (String name : List.of("a", "b")) {
      JobRunner r = new JobRunner(db.dataSource(), db.jdbi(), fast().withName(name), Map.of("tick", Duration.ofSeconds(2)));
      runners.add(r);
      r.register("tick", job -> {
        ran.add(name + ":" + job.id());
        return "ticked on " + name;
      }).start();
    }
    await("three ticks", Duration.ofSeconds(60), () -> ran.size() >= 3);
    runners.forEach(JobRunner::close);
    List<Map<String, Object>> rows = db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE kind = 'tick' ORDER BY id")
        .mapToMap().list());
    // one row per run, never two runs of one interval (they would be as many rows as runs on both runners)
    assertThat(rows).hasSize(ran.size());
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.get("state")).isEqualTo("succeeded");
      assertThat(r.get("username")).isEqualTo(JobRunner.SCHEDULE_USER);
      assertThat((String) r.get("message")).startsWith("ticked on ");
    });
    List<java.time.OffsetDateTime> starts = rows.stream().map(r -> (java.time.OffsetDateTime) db.jdbi().withHandle(h ->
        h.createQuery("SELECT started_time FROM jobs WHERE id = :i").bind("i", r.get("id")).mapTo(java.time.OffsetDateTime.class).one()))
        .toList();
    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.between(starts.get(i - 1), starts.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }
  }

  @Test
  void eachJobRunsExactlyOnceAcrossTwoRunners() throws Exception {
    Map<Long, List<String>> runs = new ConcurrentHashMap<>();
    for (String name : List.of("a", "b")) {
      runner(name, fast()).register("count", job -> {
        runs.computeIfAbsent(job.id(), k -> new CopyOnWriteArrayList<>()).add(name);
        Thread.sleep(40);
        return "counted by " + name;
      }).start();
    }
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(runners.get(i % 2).enqueue("count", (long) i, null, "t" + i, "alice"));
    }
    await("all 40 jobs", Duration.ofSeconds(60), this::allFinished);
    Thread.sleep(500); // a second run would show up here

    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(runs.values()).allSatisfy(by -> assertThat(by).hasSize(1));
    assertThat(runs.values().stream().map(l -> l.get(0)).distinct()).as("both servers took work").hasSize(2);
    for (long id : ids) {
      Map<String, Object> r = row(id);
      assertThat(r.get("state")).isEqualTo("succeeded");
      assertThat(r.get("message")).isEqualTo("counted by " + runs.get(id).get(0));
      assertThat(r.get("runner")).isEqualTo(runs.get(id).get(0));
      assertThat(((Number) r.get("attempts")).intValue()).isEqualTo(1);
      assertThat(r.get("started_time")).isNotNull();
      assertThat(r.get("finished_time")).isNotNull();
    }
    assertThat(count("scheduled_tasks")).as("db-scheduler's rows are gone once done").isZero();
  }

  @Test
  void aFailingHandlerMarksTheJobFailedWithOneLineAndIsNotRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    runner("a", fast()).register("boom", job -> {
      calls.incrementAndGet();
      throw new VrException("remote said no\n  and more detail");
    }).start();
    long id = runners.get(0).enqueue("boom", 7L, null, "t", "alice");
    await("the job to fail", Duration.ofSeconds(30), this::allFinished);
    Thread.sleep(700);

    assertThat(row(id)).containsEntry("state", "failed").containsEntry("message", "remote said no | and more detail");
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aJobOfAKindNobodyHandlesFailsNamingTheKind() throws Exception {
    runner("a", fast()).start();
    long id = runners.get(0).enqueue("mystery", null, null, "t", "alice");
    await("the job to fail", Duration.ofSeconds(30), this::allFinished);

    assertThat((String) row(id).get("message")).startsWith("no handler for jobs of kind 'mystery'");
  }

  @Test
  void aRolledBackEnqueueLeavesNeitherTheRowNorTheRun() {
    JobRunner r = runner("a", fast());
    try {
      db.jdbi().useTransaction(h -> {
        r.enqueue(h, "count", 1L, null, "t", "alice");
        assertThat(h.createQuery("SELECT COUNT(*) FROM scheduled_tasks").mapTo(Long.class).one()).isEqualTo(1);
        throw new IllegalStateException("the request failed after queueing");
      });
    } catch (IllegalStateException expected) {
      // the transaction rolled back
    }

    assertThat(count("jobs")).isZero();
    assertThat(count("scheduled_tasks")).isZero();
  }

  @Test
  void aJobWhoseServerDiedIsTakenOverByTheOtherAsASecondAttempt() throws Exception {
    CountDownLatch startedOnA = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    JobRunner a = runner("a", fast()).register("long", job -> {
      startedOnA.countDown();
      // A dead server does not notice a stop: keep going through interrupts until the test lets go.
      while (true) {
        try {
          if (releaseA.await(10, TimeUnit.SECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          // ignored on purpose
        }
      }
      return "finished late on a";
    }).start();
    List<Job> onB = new CopyOnWriteArrayList<>();
    JobRunner b = runner("b", fast()).register("long", job -> {
      onB.add(job);
      return "finished on b";
    });
    long id = a.enqueue("long", 5L, "{\"x\": 1}", "trace-5", "alice");
    assertThat(startedOnA.await(20, TimeUnit.SECONDS)).isTrue();

    a.close(); // its heartbeats stop, the job stays picked: as if the process had died
    long stoppedAt = System.nanoTime();
    b.start();
    await("b to take the job over", Duration.ofSeconds(30), () -> "succeeded".equals(row(id).get("state")));
    Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt);

    assertThat(onB).singleElement().satisfies(j -> {
      assertThat(j.attempt()).isEqualTo(2);
      assertThat(j.resumed()).isTrue();
      assertThat(j.params()).isEqualTo("{\"x\": 1}");
      assertThat(j.traceId()).isEqualTo("trace-5");
    });
    assertThat(row(id)).containsEntry("runner", "b").containsEntry("message", "finished on b");
    assertThat(took).as("taken over after the dead interval (%s)", fast().deadAfter())
        .isGreaterThanOrEqualTo(fast().deadAfter().minusMillis(100));

    releaseA.countDown(); // the old attempt finishes late: it must not overwrite b's outcome
    Thread.sleep(500);
    assertThat(row(id)).containsEntry("runner", "b").containsEntry("message", "finished on b");
  }
}
