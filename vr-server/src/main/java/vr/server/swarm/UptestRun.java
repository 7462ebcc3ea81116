package vr.server.swarm;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import vr.common.events.DeployEvent;
import vr.common.model.ProcName;
import vr.common.model.UptestResult;
import vr.common.supervisor.Proc;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;
import vr.server.hosts.ProcList;
import vr.server.jobs.JobHandler;

/**
 * Uptests of every proc of every active host into one test run (reference 7.9 {@code uptest_all_procs}): the
 * hourly job, and the on-demand run of {@code POST testruns/run/} that the original lacked (its #40). Each proc's
 * result is a test result row as a swarm's are; failures make one event, {@code scheduled uptest failures}
 * (tags {@code scheduled}, {@code failed}). A host that does not answer is one failing row named after it, so a
 * lost host is not a quiet pass.
 */
public final class UptestRun {
  /** The job kind of both the schedule and the on-demand run. */
  public static final String KIND = "uptest_all_procs";

  private final Jdbi jdbi;
  private final SwarmStore store;
  private final HostAccess access;
  private final HostProcs hostProcs;
  private final Duration timeout;
  private final Consumer<DeployEvent> events;

  public UptestRun(Jdbi jdbi, SwarmStore store, HostAccess access, HostProcs hostProcs, Duration timeout,
      Consumer<DeployEvent> events) {
    this.jdbi = jdbi;
    this.store = store;
    this.access = access;
    this.hostProcs = hostProcs;
    this.timeout = timeout;
    this.events = events;
  }

  public JobHandler handler() {
    return job -> run();
  }

  String run() {
    OffsetDateTime start = OffsetDateTime.now();
    List<String> hosts = jdbi.withHandle(h -> h.createQuery("SELECT name FROM hosts WHERE active ORDER BY name")
        .mapTo(String.class).list());
    List<SwarmStore.Tested> tested = new ArrayList<>();
    for (ProcList l : hostProcs.of(hosts, HostProcs.CacheUse.NEVER)) {
      if (l.state() != ProcList.State.UP) {
        tested.add(new SwarmStore.Tested(l.host(), "(host)", UptestResult.failure("host " + l.host() + " is "
            + l.state().json() + " (" + l.reason() + ")")));
        continue;
      }
      for (Proc p : l.procs()) {
        ProcName.parse(p.name()).ifPresent(name -> {
          List<UptestResult> r;
          try {
            r = access.remoteProcs(l.host()).uptest(access.setup(l.host()).ssh(), name, timeout);
          } catch (RuntimeException e) {
            r = UptestResult.failure(SwarmContext.reason(e));
          }
          tested.add(new SwarmStore.Tested(l.host(), name.format(), r));
        });
      }
    }
    long run = store.saveTestRun(start, tested);
    List<String> failures = new ArrayList<>();
    for (SwarmStore.Tested t : tested) {
      t.results().stream().filter(r -> !r.passed())
          .forEach(r -> failures.add(t.host() + ": " + t.proc() + ": " + r.name() + " failed:" + r.output()));
    }
    if (!failures.isEmpty()) {
      events.accept(DeployEvent.of(String.join("\n", failures), List.of("scheduled", "failed"),
          "scheduled uptest failures", java.util.Map.of()));
    }
    return "test run " + run + ": " + tested.size() + " procs on " + hosts.size() + " hosts, "
        + tested.stream().filter(t -> !t.passed()).count() + " failed";
  }
}
