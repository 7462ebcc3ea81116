package vr.server.hosts;

import java.util.List;
import vr.common.supervisor.Proc;

/**
 * What a swarm's procs are, for {@code GET /api/v1/swarms/<id>/procs/}: the procs on every host of its squad
 * (active or not) whose name parses to its app, config and proc name, any release (the original's
 * {@code Swarm.get_procs}).
 */
public record SwarmScope(List<String> hosts, String appName, String configName, String procName) {
  public SwarmScope {
    hosts = List.copyOf(hosts);
  }

  public boolean contains(Proc p) {
    return appName.equals(p.appName()) && configName.equals(p.configName()) && procName.equals(p.procName());
  }
}
