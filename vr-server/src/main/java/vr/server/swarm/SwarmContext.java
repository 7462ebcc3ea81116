package vr.server.swarm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import vr.common.model.Node;
import vr.common.model.ProcName;

/**
 * What the steps of one dispatch share (Orca's stage context): the swarm as read at the start, what its hosts
 * run, and what the steps decided and did. One dispatch, one thread at a time.
 */
final class SwarmContext {
  final String trace;
  final SwarmEvents events;
  SwarmRecord swarm;
  DispatchOptions options = DispatchOptions.NONE;
  /** Every host of the squad with the names of the programs its supervisord runs, asked live. */
  final Map<String, List<String>> hostProcs = new LinkedHashMap<>();
  /** The swarm's procs of its release, before the dispatch. */
  final List<PlacedProc> current = new ArrayList<>();
  /** The swarm's procs of other releases. */
  final List<PlacedProc> old = new ArrayList<>();
  /**
   * Procs of the swarm's old identity (another app, config name, proc name or squad), found by the swarm's id in
   * {@code swarm_procs}: retired after the new ones are routed.
   */
  final List<Defunct> defunct = new ArrayList<>();
  /** The swarm's procs as {@code swarm_procs} recorded them when the dispatch began. */
  List<SwarmStore.Deployed> rows = List.of();
  /** Where the new procs go (host and port, not locked yet), in the order they are deployed. */
  final List<PlacedProc> placements = new ArrayList<>();
  /** Procs of the release to take away when the swarm shrinks. */
  final List<PlacedProc> surplus = new ArrayList<>();
  /** Procs this dispatch deployed. */
  final List<PlacedProc> fresh = new ArrayList<>();
  /** Procs this dispatch removed. */
  final List<PlacedProc> retired = new ArrayList<>();
  /** Removals that failed (the proc may still run), one line each. */
  final List<String> leftovers = new ArrayList<>();
  Long testRunId;
  List<Node> pool = List.of();
  final Map<String, Duration> steps = new LinkedHashMap<>();

  SwarmContext(String trace, SwarmEvents events) {
    this.trace = trace;
    this.events = events;
  }

  /** Sorts the programs of {@link #hostProcs} into the swarm's current and old procs. */
  void classify() {
    current.clear();
    old.clear();
    hostProcs.forEach((host, names) -> {
      for (String n : names) {
        ProcName.parse(n).filter(this::ours).ifPresent(p -> (Objects.equals(p.hash(), swarm.release().hash()) ? current : old)
            .add(new PlacedProc(host, p)));
      }
    });
  }

  /** The swarm's identity: app, config name and proc name. */
  boolean ours(ProcName p) {
    return swarm.app().equals(p.app()) && swarm.configName().equals(p.config()) && swarm.procName().equals(p.proc());
  }

  /** The procs that serve once the dispatch is done: the current ones it keeps and the new ones. */
  List<PlacedProc> keep() {
    List<PlacedProc> k = new ArrayList<>(current);
    k.removeAll(surplus);
    k.addAll(fresh);
    return k;
  }

  /** What the dispatch retires after routing: the old release's procs, the surplus, the defunct procs. */
  List<PlacedProc> toRetire() {
    List<PlacedProc> r = new ArrayList<>(old);
    r.addAll(surplus);
    defunct.forEach(d -> r.add(d.proc()));
    return r;
  }

  /** A defunct proc's pool, where it was routed when deployed; null for one never routed. */
  Defunct defunctOf(PlacedProc p) {
    return defunct.stream().filter(d -> d.proc().equals(p)).findFirst().orElse(null);
  }

  /**
   * A proc of the swarm's old identity, with the pool and balancer it was routed in (they may have changed
   * since) and whether its host was marked gone (then it is only taken out of its pool).
   */
  record Defunct(PlacedProc proc, String pool, String balancer, boolean gone) {
    boolean routed() {
      return pool != null && !pool.isEmpty() && balancer != null && !balancer.isEmpty();
    }
  }

  static List<Node> nodes(List<PlacedProc> procs) {
    TreeSet<Node> s = new TreeSet<>();
    procs.forEach(p -> s.add(p.node()));
    return List.copyOf(s);
  }

  /** The first line of an exception's message, bounded: what runs and events record. */
  static String reason(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    return m.length() > 500 ? m.substring(0, 500) + "..." : m;
  }
}
