package vr.server.swarm;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.VrException;
import vr.server.jobs.Job;
import vr.server.jobs.JobHandler;

/**
 * The handler of {@code swarm} jobs: the swarm's build first (built, or awaited when another job builds it; a
 * failed build fails the swarm), then the flow. A job resumed after its server died (mid-dispatch, SIGKILL or a
 * crash) first abandons the dead attempt's run, which frees the swarm's claim and the port locks it held, then
 * dispatches again under the same trace: the procs the dead attempt deployed are found, uptested and routed, and
 * whatever it had not retired yet is retired. So nothing is left half-routed and no lock is left behind.
 */
public final class SwarmJob {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmJob.class);

  private final Jdbi jdbi;
  private final BuildStep builds;
  private final SwarmFlow flow;
  private final String server;
  private final BuildStep.Events events;

  /**
   * {@code server} names this server in the abandoned run's message; {@code events} gets the swarm's end when it
   * fails before the flow starts (no release, a failed build), as the flow sends it otherwise.
   */
  public SwarmJob(Jdbi jdbi, BuildStep builds, SwarmFlow flow, String server, BuildStep.Events events) {
    this.jdbi = jdbi;
    this.builds = builds;
    this.flow = flow;
    this.server = server;
    this.events = events;
  }

  public JobHandler handler() {
    return this::run;
  }

  String run(Job job) {
    long swarmId = job.targetId();
    if (job.resumed()) {
      int freed = flow.runs().abandon(job.traceId(), "the server running this dispatch died; attempt " + job.attempt()
          + " resumed it on " + server);
      LOG.info("swarm {} (trace {}): resuming on attempt {}{}", swarmId, job.traceId(), job.attempt(),
          freed > 0 ? ", the dead attempt's run abandoned" : "");
    }
    Long buildId = jdbi.withHandle(h -> h.createQuery(
            "SELECT r.build_id FROM swarms s JOIN releases r ON r.id = s.release_id WHERE s.id = :s")
        .bind("s", swarmId).mapTo(Long.class).findFirst().orElse(null));
    if (buildId == null) {
      throw aborted(job, "release: swarm " + swarmId + " has no release; set its version");
    }
    BuildStep.Outcome built = builds.awaitOrBuild(buildId, job.id(), job.traceId());
    if (!built.success()) {
      throw aborted(job, "build: build " + buildId + " failed: " + built.message());
    }
    SwarmOutcome out;
    try {
      out = flow.run(swarmId, job.traceId(), DispatchOptions.ofJson(job.params()), job.resumed());
    } catch (SwarmBusyException e) {
      throw aborted(job, "release: " + e.getMessage());
    }
    if (!out.ok()) {
      throw new VrException(out.message());
    }
    return out.message();
  }

  /**
   * The swarm's end when its flow did not start (no release, a failed build, another dispatch of it running),
   * for whoever follows the dispatch (vr.cli swarm --wait, the dashboard): the flow sends its own otherwise.
   */
  private VrException aborted(Job job, String message) {
    String name = jdbi.withHandle(h -> h.createQuery("SELECT a.name || '-' || COALESCE(b.tag || '-', '') || s.config_name || '-' "
            + "|| s.proc_name FROM swarms s JOIN apps a ON a.id = s.app_id LEFT JOIN releases r ON r.id = s.release_id "
            + "LEFT JOIN builds b ON b.id = r.build_id WHERE s.id = :s").bind("s", job.targetId()).mapTo(String.class).findFirst()
        .orElse("swarm " + job.targetId()));
    events.publish(message, java.util.List.of("failed"), "Swarm " + name + " aborted", java.util.Map.of("swarm_id", job.traceId()));
    return new VrException(message);
  }
}
