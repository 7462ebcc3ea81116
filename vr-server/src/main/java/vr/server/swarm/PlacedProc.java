package vr.server.swarm;

import vr.common.model.Node;
import vr.common.model.ProcName;

/** A proc on a host: what is deployed, uptested, routed ({@code <host>:<port>}) and retired. */
public record PlacedProc(String host, ProcName name) {
  public Node node() {
    return new Node(host, name.port());
  }

  @Override
  public String toString() {
    return name.format() + " on " + host;
  }
}
