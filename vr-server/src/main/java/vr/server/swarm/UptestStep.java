package vr.server.swarm;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import vr.common.model.UptestResult;
import vr.server.hosts.HostAccess;

/**
 * Step 3 (reference 7.7 steps 7-9): {@code vrun uptest} for every new proc, all at once (each runs in a container
 * of its own; the original ran one host's in series), read as the original
 * read it ({@link UptestResult#parse}) and stored as a test run. On the first failure the new procs are removed:
 * the original left them running, and routing and the old procs are not touched, so the swarm serves as before.
 */
final class UptestStep {
  private final HostAccess access;
  private final SwarmStore store;
  private final FlowSettings settings;
  private final HostFanout fanout;

  UptestStep(HostAccess access, SwarmStore store, FlowSettings settings, HostFanout fanout) {
    this.access = access;
    this.store = store;
    this.settings = settings;
    this.fanout = fanout;
  }

  /** Uptests {@code batch}, procs {@link DeployStep#deploy} placed. */
  void run(SwarmContext ctx, List<PlacedProc> batch) {
    if (batch.isEmpty()) {
      return;
    }
    OffsetDateTime start = OffsetDateTime.now();
    List<SwarmStore.Tested> tested = Collections.synchronizedList(new ArrayList<>());
    List<HostFanout.Done> done = fanout.runAll(batch, p -> tested.add(new SwarmStore.Tested(p.host(), p.name().format(),
        access.remoteProcs(p.host()).uptest(access.setup(p.host()).ssh(), p.name(), settings.uptestTimeout()))));
    for (HostFanout.Done d : done) {
      if (!d.ok()) {
        // uptest() turns a failed command into a failing entry; what lands here could not reach the host
        tested.add(new SwarmStore.Tested(d.proc().host(), d.proc().name().format(),
            UptestResult.failure(SwarmContext.reason(d.failure()))));
      }
    }
    List<SwarmStore.Tested> ordered = new ArrayList<>();
    for (PlacedProc p : batch) {
      tested.stream().filter(t -> t.host().equals(p.host()) && t.proc().equals(p.name().format())).findFirst().ifPresent(ordered::add);
    }
    ctx.testRunId = store.saveTestRun(start, ordered);
    String swarm = ctx.swarm.shortname();
    for (SwarmStore.Tested t : ordered) {
      for (UptestResult r : t.results()) {
        if (!r.passed()) {
          String output = t.proc() + ": " + r.name() + " failed:" + r.output();
          ctx.events.send(swarm, output, "failed", "uptest");
          List<HostFanout.Done> removed = fanout.run(batch, false,
              p -> access.remoteProcs(p.host()).remove(access.setup(p.host()).ssh(), p.name()));
          for (HostFanout.Done d : removed) {
            if (d.ok()) {
              store.forget(d.proc().host(), d.proc().name().format());
              ctx.retired.add(d.proc());
              ctx.events.send(d.proc().name().shortName(), "deleted " + d.proc(), "proc", "deleted");
            } else {
              ctx.leftovers.add(d.proc() + ": " + SwarmContext.reason(d.failure()));
              ctx.events.send(d.proc().name().shortName(), "could not delete " + d.proc() + ": "
                  + SwarmContext.reason(d.failure()), "proc", "deleted", "failed");
            }
          }
          throw new UptestFailedException("uptest failed, the new procs were removed and routing is unchanged: " + output);
        }
      }
    }
    boolean none = ordered.stream().allMatch(t -> t.results().isEmpty());
    if (none) {
      ctx.events.send("No uptests!", "No uptests for " + swarm, "warning", "uptest");
    } else {
      ctx.events.send("Uptests passed", "Uptests passed for " + swarm, "success", "uptest");
    }
  }
}
