package vr.server.swarm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vr.common.model.ProcName;
import vr.common.supervisor.Proc;
import vr.server.domain.DomainException;
import vr.server.domain.HostLoad;
import vr.server.domain.HostPriority;
import vr.server.domain.NoFreePortException;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;
import vr.server.hosts.ProcList;

/**
 * Step 2 (reference 7.7 steps 3-5): what the squad's hosts run, asked live; how many procs the release lacks;
 * hosts chosen by priority and ports locked before anything is deployed; then each new proc placed and started,
 * hosts in parallel, and its port lock released after its deploy whatever came of it. A host that does not
 * answer fails the dispatch before anything changes (counting it as empty would over-deploy elsewhere), and a
 * deploy that fails removes every proc this step made, so the swarm is as it was.
 */
final class DeployStep {
  private static final int LOCK_TRIES = 20;

  private final HostAccess access;
  private final HostProcs hostProcs;
  private final SwarmStore store;
  private final ProcYaml procYaml;
  private final FlowSettings settings;
  private final HostFanout fanout;

  DeployStep(HostAccess access, HostProcs hostProcs, SwarmStore store, ProcYaml procYaml, FlowSettings settings,
      HostFanout fanout) {
    this.access = access;
    this.hostProcs = hostProcs;
    this.store = store;
    this.procYaml = procYaml;
    this.settings = settings;
    this.fanout = fanout;
  }

  void run(SwarmContext ctx) {
    SwarmRecord s = ctx.swarm;
    readHosts(ctx);
    int needed = s.size() - ctx.current.size();
    List<HostLoad> loads = new ArrayList<>();
    for (SwarmRecord.SquadHost h : s.hosts()) {
      loads.add(HostLoad.of(h.name(), ctx.hostProcs.get(h.name()), s.app(), s.configName(), s.procName(), s.release().hash()));
    }
    if (needed < 0) {
      for (HostPriority.Removal r : HostPriority.scaleDown(loads, -needed)) {
        ctx.surplus.add(new PlacedProc(r.host(), r.proc()));
      }
      return;
    }
    if (needed == 0) {
      return;
    }
    Set<String> active = new HashSet<>();
    s.hosts().stream().filter(SwarmRecord.SquadHost::active).forEach(h -> active.add(h.name()));
    List<String> targets;
    try {
      targets = HostPriority.assign(HostPriority.prioritized(s.squad(), loads.stream().filter(l -> active.contains(l.host())).toList()), needed);
    } catch (DomainException e) {
      throw new SwarmFailedException(e.getMessage(), e);
    }
    List<PlacedProc> planned = lockPorts(ctx, targets);
    List<HostFanout.Done> done = fanout.run(planned, true, p -> {
      try {
        ctx.events.send(s.app() + "-" + s.release().tag() + "-" + s.procName(),
            "deploying " + s.releaseName() + "-" + s.procName() + "-" + p.name().port() + " to " + p.host(), "deploy");
        access.remoteProcs(p.host()).deploy(access.setup(p.host()).ssh(), p.name(), procYaml.bytes(s, p.host(), p.name().port()));
      } finally {
        store.unlockPort(s.hostId(p.host()), p.name().port());
      }
    });
    List<String> failures = new ArrayList<>();
    for (HostFanout.Done d : done) {
      if (!d.ok()) {
        failures.add(d.proc() + ": " + SwarmContext.reason(d.failure()));
      }
    }
    if (!failures.isEmpty()) {
      // every proc this step tried: a setup that failed half way may have left its folder or program
      fanout.run(planned, false, p -> access.remoteProcs(p.host()).remove(access.setup(p.host()).ssh(), p.name()));
      throw new SwarmFailedException("deploy failed, the new procs were removed: " + String.join("; ", failures));
    }
    ctx.fresh.addAll(planned);
  }

  /** Every squad host's programs, live; a host that is not up fails the dispatch, naming it. */
  private void readHosts(SwarmContext ctx) {
    List<String> names = ctx.swarm.hosts().stream().map(SwarmRecord.SquadHost::name).toList();
    List<String> down = new ArrayList<>();
    for (ProcList l : hostProcs.of(names, HostProcs.CacheUse.NEVER)) {
      if (l.state() != ProcList.State.UP) {
        down.add(l.host() + " is " + l.state().json() + " (" + l.reason() + ")");
        continue;
      }
      ctx.hostProcs.put(l.host(), l.procs().stream().map(Proc::name).toList());
    }
    if (!down.isEmpty()) {
      throw new SwarmFailedException("host " + String.join(", host ", down) + ": nothing was deployed");
    }
    ctx.classify();
  }

  /**
   * A port for each new proc, locked in {@code port_locks} before any deploy starts; when another server took
   * the port first (the unique key refuses the lock), another one is tried. All or nothing: the locks taken are
   * released when one cannot be had.
   */
  private List<PlacedProc> lockPorts(SwarmContext ctx, List<String> targets) {
    SwarmRecord s = ctx.swarm;
    SwarmRecord.Release r = s.release();
    List<PlacedProc> planned = new ArrayList<>();
    Map<String, Set<Integer>> taken = new LinkedHashMap<>();
    try {
      new ProcName(s.app(), r.tag(), s.configName(), r.hash(), s.procName(), 0);
    } catch (IllegalArgumentException e) {
      throw new SwarmFailedException("the swarm's procs cannot be named: " + e.getMessage(), e);
    }
    try {
      for (String host : targets) {
        long hostId = s.hostId(host);
        Set<Integer> mine = taken.computeIfAbsent(host, h -> new HashSet<>());
        Set<Integer> used = new HashSet<>(vr.server.domain.Ports.usedPorts(ctx.hostProcs.get(host)));
        used.addAll(mine);
        Integer port = null;
        for (int i = 0; i < LOCK_TRIES && port == null; i++) {
          int p = settings.ports().freePort(host, used, store.lockedPorts(hostId));
          if (store.lockPort(hostId, p, ctx.trace)) {
            port = p;
          } else {
            used.add(p);
          }
        }
        if (port == null) {
          throw new SwarmFailedException("could not lock a port on host " + host + " in " + LOCK_TRIES + " tries");
        }
        mine.add(port);
        planned.add(new PlacedProc(host, new ProcName(s.app(), r.tag(), s.configName(), r.hash(), s.procName(), port)));
      }
    } catch (NoFreePortException e) {
      unlock(s, planned);
      throw new SwarmFailedException(e.getMessage(), e);
    } catch (RuntimeException e) {
      unlock(s, planned);
      throw e;
    }
    return planned;
  }

  private void unlock(SwarmRecord s, List<PlacedProc> planned) {
    planned.forEach(p -> store.unlockPort(s.hostId(p.host()), p.name().port()));
  }
}
