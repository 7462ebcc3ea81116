package vr.server.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server's queued work (builds, swarm dispatches, deploys) through db-scheduler, so that every server
 * process on one database shares it: a job runs on one server at a time, and when that server dies (its
 * heartbeats stop) another one takes the job over after the dead-execution interval. The original's Celery
 * workers lost a task whose worker died, and a swarm with it.
 *
 * <p>The {@code jobs} table stays the user-visible record: {@link #enqueue} inserts the row and schedules its run
 * in the caller's transaction; a run marks the row running (one more attempt), calls the {@link JobHandler}
 * registered for its kind and marks it succeeded or failed with a one-line message. A handler's failure is the
 * job's outcome, never retried; only a server's death (or stop) in the middle runs a job again, as a new
 * attempt ({@link Job#resumed()}), and an attempt that was taken over cannot overwrite its successor's outcome.
 */
public final class JobRunner implements JobQueue, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  static final String TASK = "vr-job";
  /** The {@code jobs.username} of the recurring jobs' rows. */
  public static final String SCHEDULE_USER = "(schedule)";

  /**
   * How the runner polls and heartbeats.
   *
   * @param name this server's name in {@code jobs.runner} and db-scheduler's {@code picked_by}
   * @param threads jobs run at once on this server
   * @param pollingInterval how often the queue is read (a job enqueued here is picked at once)
   * @param heartbeatInterval how often a running job's row is touched
   * @param missedHeartbeats heartbeats missed before a job counts as dead and another server takes it over
   * @param shutdownMaxWait how long {@link #close()} lets running jobs finish; the rest run again elsewhere
   * @param retryAfterStop when a job cut off by a stop runs again
   */
  public record Options(String name, int threads, Duration pollingInterval, Duration heartbeatInterval,
      int missedHeartbeats, Duration shutdownMaxWait, Duration retryAfterStop) {
    public Options {
      Objects.requireNonNull(name, "name");
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      if (missedHeartbeats < 4) {
        throw new IllegalArgumentException("missedHeartbeats must be at least 4 (db-scheduler's floor)");
      }
    }

    /** 8 threads, poll every 2 s, heartbeat every 30 s, dead after 4 missed (2 min), 30 s to finish on stop. */
    public static Options defaults() {
      return new Options(defaultName(), 8, Duration.ofSeconds(2), Duration.ofSeconds(30), 4, Duration.ofSeconds(30),
          Duration.ofSeconds(5));
    }

    public Options withName(String n) {
      return new Options(n, threads, pollingInterval, heartbeatInterval, missedHeartbeats, shutdownMaxWait, retryAfterStop);
    }

    public Options withHeartbeat(Duration interval, int missed) {
      return new Options(name, threads, pollingInterval, interval, missed, shutdownMaxWait, retryAfterStop);
    }

    public Options withPolling(Duration interval) {
      return new Options(name, threads, interval, heartbeatInterval, missedHeartbeats, shutdownMaxWait, retryAfterStop);
    }

    public Options withShutdownMaxWait(Duration wait) {
      return new Options(name, threads, pollingInterval, heartbeatInterval, missedHeartbeats, wait, retryAfterStop);
    }

    /** How long after its last heartbeat a job is taken over: about {@code heartbeatInterval × missedHeartbeats}. */
    public Duration deadAfter() {
      return heartbeatInterval.multipliedBy(missedHeartbeats);
    }

    static String defaultName() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "localhost";
      }
      return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }
  }

  private final Jdbi jdbi;
  private final Options options;
  private final BoundConnections connections;
  private final OneTimeTask<Void> task;
  private final Scheduler scheduler;
  private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean stopping;

  public JobRunner(DataSource dataSource, Jdbi jdbi, Options options) {
    this(dataSource, jdbi, options, Map.of());
  }

  /**
   * A runner that also runs the recurring jobs of {@code schedules} (kind → interval; reference 7.9, the
   * original's celerybeat): each kind runs once per interval across all servers of the database (db-scheduler's
   * recurring task), as a {@code jobs} row of its kind (user {@value #SCHEDULE_USER}) run by the handler
   * registered for it.
   */
  public JobRunner(DataSource dataSource, Jdbi jdbi, Options options, Map<String, Duration> schedules) {
    this.jdbi = jdbi;
    this.options = options;
    this.connections = new BoundConnections(dataSource);
    this.task = Tasks.oneTime(TASK)
        // A handler's own failure is recorded as the job's outcome; only a run cut off by a stop arrives here.
        .onFailure((complete, ops) -> ops.reschedule(complete, Instant.now().plus(options.retryAfterStop())))
        .onDeadExecutionRevive()
        .execute(this::execute);
    List<RecurringTask<Void>> recurring = new ArrayList<>();
    schedules.forEach((kind, every) -> recurring.add(Tasks.recurring(TASK + "-" + kind, Schedules.fixedDelay(every))
        .execute((instance, ctx) -> runScheduled(kind))));
    this.scheduler = Scheduler.create(connections, task)
        .startTasks(recurring)
        .schedulerName(new SchedulerName.Fixed(options.name()))
        .threads(options.threads())
        .pollingInterval(options.pollingInterval())
        .heartbeatInterval(options.heartbeatInterval())
        .missedHeartbeatsLimit(options.missedHeartbeats())
        .shutdownMaxWait(options.shutdownMaxWait())
        .enableImmediateExecution()
        .build();
  }

  /** Sets the handler for {@code kind}; register every kind before {@link #start()}. */
  public JobRunner register(String kind, JobHandler handler) {
    handlers.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(handler, "handler"));
    return this;
  }

  /** Starts polling; jobs queued before now (also by servers that died) are run from here on. */
  public JobRunner start() {
    scheduler.start();
    started = true;
    return this;
  }

  public Options options() {
    return options;
  }

  @Override
  public long enqueue(Handle h, String kind, Long targetId, String paramsJson, String traceId, String username) {
    long id = JobRows.insert(h, kind, targetId, paramsJson, traceId, username);
    connections.with(h.getConnection(), () -> {
      scheduler.schedule(task.instance(Long.toString(id)), Instant.now());
      return null;
    });
    if (started) {
      // The transaction is not committed yet: polling now would not see the job.
      if (h.isInTransaction()) {
        h.afterCommit(scheduler::triggerCheckForDueExecutions);
      } else {
        scheduler.triggerCheckForDueExecutions();
      }
    }
    return id;
  }

  /** Queues a job in a transaction of its own. */
  public long enqueue(String kind, Long targetId, String paramsJson, String traceId, String username) {
    return jdbi.inTransaction(h -> enqueue(h, kind, targetId, paramsJson, traceId, username));
  }

  private void execute(TaskInstance<Void> instance, ExecutionContext ctx) {
    long id;
    try {
      id = Long.parseLong(instance.getId());
    } catch (NumberFormatException e) {
      LOG.warn("ignoring a scheduled job with a bad id '{}'", instance.getId());
      return;
    }
    run(id);
  }

  /** One run of a recurring job: a row of its own, run here at once. */
  private void runScheduled(String kind) {
    String trace = UUID.randomUUID().toString().replace("-", "");
    run(jdbi.inTransaction(h -> JobRows.insert(h, kind, null, null, trace, SCHEDULE_USER)));
  }

  private void run(long id) {
    Optional<Job> claimed = JobRows.claim(jdbi, id, options.name());
    if (claimed.isEmpty()) {
      return; // finished by an earlier attempt, or deleted
    }
    Job job = claimed.get();
    if (job.resumed()) {
      LOG.info("job {} ({} {}) resumed: attempt {}", job.id(), job.kind(), job.targetId(), job.attempt());
    }
    JobHandler handler = handlers.get(job.kind());
    if (handler == null) {
      JobRows.finish(jdbi, job, false, "no handler for jobs of kind '" + job.kind() + "' on server " + options.name());
      return;
    }
    String message;
    try {
      message = handler.run(job);
    } catch (Exception e) {
      if (stopping) {
        // Cut off by this server's stop, not failed: leave it for the next attempt (here or on another server).
        throw new IllegalStateException("job " + id + " cut off by the server's stop", e);
      }
      String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
      if (!(e instanceof vr.common.VrException)) {
        LOG.warn("job {} ({} {}) failed", job.id(), job.kind(), job.targetId(), e);
      }
      if (!JobRows.finish(jdbi, job, false, why)) {
        LOG.info("job {} attempt {} failed after another server took it over", job.id(), job.attempt());
      }
      return;
    }
    if (!JobRows.finish(jdbi, job, true, message)) {
      LOG.info("job {} attempt {} finished after another server took it over", job.id(), job.attempt());
    }
  }

  /**
   * Stops polling and waits up to {@code shutdownMaxWait} for running jobs; a job still running after that is
   * left picked, and runs again (here after a restart, or on another server) once it counts as dead.
   */
  @Override
  public void close() {
    stopping = true;
    scheduler.stop();
  }
}
