package vr.server.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import vr.common.model.ProcName;

/**
 * One active host of a squad as a swarm sees it: the names of all its procs, and those of them that belong to
 * the swarm's current release.
 */
public record HostLoad(String host, List<String> allProcs, List<ProcName> swarmProcs) {
  public HostLoad {
    allProcs = List.copyOf(allProcs);
    swarmProcs = List.copyOf(swarmProcs);
  }

  /**
   * The load of {@code host} running the programs {@code procNames}, the swarm's procs being the VR procs of
   * its app, config name, proc name and release hash. The original matched on hash and proc name only, so
   * another app's {@code web} proc of the same hash would have counted.
   */
  public static HostLoad of(String host, Collection<String> procNames, String app, String configName,
      String procName, String releaseHash) {
    List<ProcName> swarm = new ArrayList<>();
    for (String n : procNames) {
      ProcName.parse(n).filter(p -> Objects.equals(p.app(), app) && Objects.equals(p.config(), configName)
          && Objects.equals(p.proc(), procName) && Objects.equals(p.hash(), releaseHash)).ifPresent(swarm::add);
    }
    return new HostLoad(host, List.copyOf(procNames), swarm);
  }
}
