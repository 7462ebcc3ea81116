package vr.server.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import vr.common.model.ProcName;

/**
 * Where a swarm's procs go and which go first (the original's {@code get_prioritized_hosts} and the two
 * branches of {@code swarm_release}): new procs round-robin over the squad's active hosts, least loaded
 * first; when scaling down, procs are taken round-robin from the busiest hosts first.
 */
public final class HostPriority {
  /** Fewest procs of this swarm's release first, then fewest procs in all; the host's name breaks ties. */
  private static final Comparator<HostLoad> LEAST_LOADED = Comparator
      .comparingInt((HostLoad h) -> h.swarmProcs().size())
      .thenComparingInt(h -> h.allProcs().size())
      .thenComparing(HostLoad::host);

  private HostPriority() {}

  /** A proc to remove when scaling down: the host and the proc's name (which holds its port). */
  public record Removal(String host, ProcName proc) {}

  /**
   * The squad's active hosts, least loaded first. {@link DomainException} {@code No active hosts in squad <name>}
   * when there are none.
   */
  public static List<HostLoad> prioritized(String squad, List<HostLoad> activeHosts) {
    if (activeHosts.isEmpty()) {
      throw new DomainException("No active hosts in squad " + squad);
    }
    return activeHosts.stream().sorted(LEAST_LOADED).toList();
  }

  /** The hosts that run procs of the swarm's release, busiest first (the reverse of {@link #prioritized}). */
  public static List<HostLoad> busiestFirst(List<HostLoad> hosts) {
    return hosts.stream().filter(h -> !h.swarmProcs().isEmpty()).sorted(LEAST_LOADED.reversed()).toList();
  }

  /**
   * The host of each of {@code needed} new procs: {@code prioritized[x % n]} for x from 0, so that the procs
   * spread over the hosts, the least loaded getting the first ones.
   */
  public static List<String> assign(List<HostLoad> prioritized, int needed) {
    if (prioritized.isEmpty() && needed > 0) {
      throw new IllegalArgumentException("no hosts to assign " + needed + " procs to");
    }
    List<String> out = new ArrayList<>(Math.max(needed, 0));
    for (int x = 0; x < needed; x++) {
      out.add(prioritized.get(x % prioritized.size()).host());
    }
    return out;
  }

  /**
   * The {@code excess} procs to remove: round-robin over the hosts that run the swarm's release, busiest first,
   * each giving up its last proc. A host with none left is skipped: the original popped from it and failed
   * (e.g. removing 4 of A:3, B:1). At most all of the swarm's procs are returned.
   */
  public static List<Removal> scaleDown(List<HostLoad> hosts, int excess) {
    List<HostLoad> busiest = busiestFirst(hosts);
    List<Deque<ProcName>> left = new ArrayList<>();
    busiest.forEach(h -> left.add(new ArrayDeque<>(h.swarmProcs())));
    List<Removal> out = new ArrayList<>();
    int x = 0;
    int emptyInARow = 0;
    while (out.size() < excess && emptyInARow < busiest.size()) {
      int i = x++ % busiest.size();
      Deque<ProcName> procs = left.get(i);
      if (procs.isEmpty()) {
        emptyInARow++;
        continue;
      }
      emptyInARow = 0;
      out.add(new Removal(busiest.get(i).host(), procs.removeLast()));
    }
    return out;
  }
}
