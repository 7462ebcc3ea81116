package vr.server.swarm;

import java.util.List;
import java.util.Map;

/**
 * What one dispatch knows of its swarm, read once at its start: the swarm's identity, size and routing, its
 * release (hashed) with the build and OS image it runs, and its squad's hosts.
 */
public record SwarmRecord(long id, String app, String repoUrl, String repoType, String configName, String procName,
    String squad, int size, String pool, String balancer, Release release, List<SquadHost> hosts, Build build,
    String releaseInputs) {

  public SwarmRecord {
    hosts = List.copyOf(hosts);
  }

  /** A release with its build and image: what proc.yaml is made of. */
  public record Release(long id, String hash, Map<String, Object> config, Map<String, Object> env,
      List<Object> volumes, String runAs, String memLimit, String memswLimit, String tag, String buildFile,
      String buildMd5, String buildpackUrl, String buildpackVersion, Image image) {}

  /** The release's build: its id and state; {@code usable} when it succeeded with a file and the release is hashed. */
  public record Build(long id, String status, boolean usable) {}

  /** The stack image a build was made on; null for a build without one. */
  public record Image(String name, String file, String md5) {}

  /** A host of the squad; only active ones get new procs. */
  public record SquadHost(long id, String name, boolean active) {}

  /** {@code <app>-<tag>-<config>-<proc>}, the swarm as events name it. */
  public String shortname() {
    return app + "-" + release.tag() + "-" + configName + "-" + procName;
  }

  /** {@code <app>-<tag>-<hash>}, the release as events name it. */
  public String releaseName() {
    return app + "-" + release.tag() + "-" + release.hash();
  }

  public boolean routed() {
    return pool != null && !pool.isEmpty() && balancer != null && !balancer.isEmpty();
  }

  public long hostId(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no host " + name + " in squad " + squad)).id();
  }
}
