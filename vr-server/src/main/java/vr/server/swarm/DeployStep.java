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
import vr.server.domain.Ports;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;
import vr.server.hosts.ProcList;

/**
 * Step 2 (reference 7.7 steps 3-5), in two halves. {@link #survey}: what the squad's hosts run, asked live; the
 * procs of the swarm's old identity, found by its id; how many procs the release lacks, and the host and port
 * each would take (what a plan shows). {@link #deploy}: for a batch of those, ports locked, then each proc
 * recorded as the swarm's, placed and started, hosts in parallel, and its port lock released after its deploy
 * whatever came of it. A host that does not answer fails the dispatch, naming it, before anything changes on it
 * (counting it as empty would over-deploy elsewhere), and a deploy that fails removes every proc of its batch.
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

  /**
   * Reads, changing nothing but records ({@code adopt}): what the squad's hosts run, the swarm's procs recorded
   * by its id (kept in the context as read, for a plan's id), and from them its current, old and defunct procs.
   * With {@code adopt}, procs found by name are recorded as the swarm's, so they are found by its id after a
   * rename, and records of procs no longer there are dropped.
   */
  void survey(SwarmContext ctx, boolean adopt) {
    readHosts(ctx);
    ctx.rows = store.deployed(ctx.swarm.id());
    findDefunct(ctx, adopt);
  }

  /**
   * Decides, changing nothing: the surplus when the swarm shrinks, or where the procs it lacks go, each with a
   * port from {@code ports} (not locked yet).
   */
  void place(SwarmContext ctx, Ports ports) {
    SwarmRecord s = ctx.swarm;
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
    Map<String, Set<Integer>> mine = new LinkedHashMap<>();
    for (String host : targets) {
      Set<Integer> used = new HashSet<>(Ports.usedPorts(ctx.hostProcs.get(host)));
      Set<Integer> taken = mine.computeIfAbsent(host, h -> new HashSet<>());
      used.addAll(taken);
      int port;
      try {
        port = ports.freePort(host, used, store.lockedPorts(s.hostId(host)));
      } catch (NoFreePortException e) {
        throw new SwarmFailedException(e.getMessage(), e);
      }
      taken.add(port);
      ctx.placements.add(new PlacedProc(host, name(s, port)));
    }
  }

  /** A new proc's name; before the build is made (a plan) the release's hash is not known and reads {@code <hash>}. */
  private static ProcName name(SwarmRecord s, int port) {
    SwarmRecord.Release r = s.release();
    try {
      return new ProcName(s.app(), r.tag(), s.configName(), r.hash() == null ? "0000000" : r.hash(), s.procName(), port);
    } catch (IllegalArgumentException e) {
      throw new SwarmFailedException("the swarm's procs cannot be named: " + e.getMessage(), e);
    }
  }

  /**
   * Deploys {@code batch} (placements from {@link #survey}); each port is locked first, and when another
   * deploy holds it another free one is taken. Hosts in parallel, one host's procs in series.
   */
  void deploy(SwarmContext ctx, List<PlacedProc> batch) {
    SwarmRecord s = ctx.swarm;
    List<PlacedProc> planned = lockPorts(ctx, batch);
    List<HostFanout.Done> done = fanout.run(planned, true, p -> {
      try {
        ctx.events.send(s.app() + "-" + s.release().tag() + "-" + s.procName(),
            "deploying " + s.releaseName() + "-" + s.procName() + "-" + p.name().port() + " to " + p.host(), "deploy");
        store.record(s.id(), p.host(), p.name().format(), s.pool(), s.balancer());
        access.remoteProcs(p.host()).deploy(access.setup(p.host()).ssh(), p.name(), procYaml.bytes(s, p.host(), p.name().port()));
      } finally {
        store.unlockPort(s.hostId(p.host()), p.name().port());
      }
    });
    List<String> failures = new ArrayList<>();
    for (HostFanout.Done d : done) {
      if (!d.ok()) {
        failures.add("host " + d.proc().host() + ": " + d.proc().name().format() + ": " + SwarmContext.reason(d.failure()));
      }
    }
    if (!failures.isEmpty()) {
      // every proc this step tried: a setup that failed half way may have left its folder or program
      List<String> notRemoved = new ArrayList<>();
      for (HostFanout.Done d : fanout.run(planned, false, p -> access.remoteProcs(p.host()).remove(access.setup(p.host()).ssh(), p.name()))) {
        if (d.ok()) {
          store.forget(d.proc().host(), d.proc().name().format());
        } else {
          notRemoved.add(d.proc().toString());
          ctx.leftovers.add(d.proc() + ": " + SwarmContext.reason(d.failure()));
        }
      }
      throw new SwarmFailedException("deploy failed, the new procs were removed"
          + (notRemoved.isEmpty() ? "" : " (except " + String.join(", ", notRemoved) + ", whose host did not answer)")
          + ": " + String.join("; ", failures));
    }
    for (PlacedProc p : planned) {
      ctx.hostProcs.get(p.host()).add(p.name().format());
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
      ctx.hostProcs.put(l.host(), new ArrayList<>(l.procs().stream().map(Proc::name).toList()));
    }
    if (!down.isEmpty()) {
      throw new SwarmFailedException("host " + String.join(", host ", down) + ": nothing was deployed");
    }
    ctx.classify();
  }

  /**
   * The procs recorded with the swarm's id that its identity no longer names: another app, config name or proc
   * name on a squad host (when the host still runs them), or any proc on a host that left the squad. Records of
   * procs that are no longer there are dropped; with {@code adopt}, procs found by name are recorded.
   */
  private void findDefunct(SwarmContext ctx, boolean adopt) {
    SwarmRecord s = ctx.swarm;
    Set<String> recorded = new HashSet<>();
    for (SwarmStore.Deployed d : ctx.rows) {
      recorded.add(d.host() + " " + d.proc());
      ProcName p = ProcName.parse(d.proc()).orElse(null);
      List<String> live = ctx.hostProcs.get(d.host());
      boolean inSquad = live != null;
      if (p == null || inSquad && ctx.ours(p)) {
        if (p == null || !live.contains(d.proc())) {
          if (adopt) {
            store.forget(d.host(), d.proc());
          }
        }
        continue;
      }
      if (inSquad && !live.contains(d.proc())) {
        if (adopt) {
          store.forget(d.host(), d.proc());
        }
        continue;
      }
      ctx.defunct.add(new SwarmContext.Defunct(new PlacedProc(d.host(), p), d.pool(), d.balancer(), d.gone()));
    }
    if (adopt) {
      List<PlacedProc> named = new ArrayList<>(ctx.current);
      named.addAll(ctx.old);
      for (PlacedProc p : named) {
        if (!recorded.contains(p.host() + " " + p.name().format())) {
          store.record(s.id(), p.host(), p.name().format(), s.pool(), s.balancer());
        }
      }
    }
  }

  /**
   * The batch's ports, each locked in {@code port_locks} before any deploy starts; when another server took a
   * port first (the unique key refuses the lock), another free one is tried. All or nothing: the locks taken are
   * released when one cannot be had.
   */
  private List<PlacedProc> lockPorts(SwarmContext ctx, List<PlacedProc> batch) {
    SwarmRecord s = ctx.swarm;
    List<PlacedProc> planned = new ArrayList<>();
    Map<String, Set<Integer>> taken = new LinkedHashMap<>();
    try {
      for (PlacedProc want : batch) {
        String host = want.host();
        long hostId = s.hostId(host);
        Set<Integer> mine = taken.computeIfAbsent(host, h -> new HashSet<>());
        Set<Integer> used = new HashSet<>(Ports.usedPorts(ctx.hostProcs.get(host)));
        used.addAll(mine);
        Integer port = null;
        int p = want.name().port();
        for (int i = 0; i < LOCK_TRIES && port == null; i++) {
          if (!used.contains(p) && store.lockPort(hostId, p, ctx.trace)) {
            port = p;
          } else {
            used.add(p);
            p = settings.ports().freePort(host, used, store.lockedPorts(hostId));
          }
        }
        if (port == null) {
          throw new SwarmFailedException("could not lock a port on host " + host + " in " + LOCK_TRIES + " tries");
        }
        mine.add(port);
        planned.add(new PlacedProc(host, name(s, port)));
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
