package vr.server.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Consumer;
import vr.common.VrException;
import vr.common.events.DeployEvent;
import vr.common.model.ProcName;
import vr.common.supervisor.Proc;
import vr.server.api.Json;
import vr.server.domain.Ports;
import vr.server.files.SignedUrls;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;
import vr.server.hosts.ProcList;
import vr.server.jobs.Job;
import vr.server.jobs.JobHandler;

/**
 * A release deployed by hand to one host and port ({@code POST releases/<id>/deploy/}, jobs of kind
 * {@code deploy}; reference 7.7 "Manual deploy"), port 0 for a worker that listens on none (the seed's "Deploying
 * Workers"). The same machinery as a swarm's deploy step: proc.yaml with signed URLs, {@code RemoteProcs.deploy},
 * and a port lock in the database while it runs, so a swarm never takes the port meanwhile (the original's manual
 * deploy took no lock). No uptest and no routing, as in the original.
 */
public final class ManualDeploy {
  private final SwarmStore store;
  private final HostAccess access;
  private final HostProcs hostProcs;
  private final ProcYaml procYaml;
  private final Consumer<DeployEvent> events;

  public ManualDeploy(SwarmStore store, HostAccess access, HostProcs hostProcs, SignedUrls urls, FlowSettings settings,
      Consumer<DeployEvent> events) {
    this.store = store;
    this.access = access;
    this.hostProcs = hostProcs;
    this.procYaml = new ProcYaml(urls, settings);
    this.events = events;
  }

  /** The handler of {@code deploy} jobs: params {@code {"host", "proc", "config_name", "port"}}, target the release. */
  public JobHandler handler() {
    return job -> {
      JsonNode p = Json.MAPPER.readTree(job.params());
      return deploy(job, job.targetId(), p.path("host").asText(), p.path("proc").asText(), p.path("config_name").asText(),
          p.path("port").asInt(-1));
    };
  }

  String deploy(Job job, long releaseId, String host, String proc, String configName, int port) {
    SwarmEvents ev = new SwarmEvents(events, job.traceId());
    SwarmRecord s = store.loadForDeploy(releaseId, configName, proc, host);
    ProcName name;
    try {
      name = new ProcName(s.app(), s.release().tag(), configName, s.release().hash(), proc, port);
    } catch (IllegalArgumentException e) {
      throw new VrException("the proc cannot be named: " + e.getMessage(), e);
    }
    List<String> running = programs(host);
    if (running.contains(name.format())) {
      if (job.resumed()) {
        return "deployed " + name.format() + " to " + host + " (by the attempt before)";
      }
      throw new VrException(name.format() + " runs on " + host + " already");
    }
    long hostId = s.hostId(host);
    if (port != 0) {
      if (job.resumed()) {
        store.unlockPorts(job.traceId()); // the dead attempt's
      }
      if (Ports.usedPorts(running).contains(port)) {
        throw new VrException("port " + port + " is taken on " + host + " by " + running.stream()
            .filter(n -> ProcName.parse(n).map(x -> x.port() == port).orElse(false)).findFirst().orElse("a proc"));
      }
      if (!store.lockPort(hostId, port, job.traceId())) {
        throw new VrException("port " + port + " on " + host + " is locked by another deploy in progress");
      }
    }
    String title = s.app() + "-" + s.release().tag() + "-" + proc;
    ev.send(title, "deploying " + s.releaseName() + "-" + proc + "-" + port + " to " + host, "deploy");
    try {
      access.remoteProcs(host).deploy(access.setup(host).ssh(), name, procYaml.bytes(s, host, port));
    } catch (RuntimeException e) {
      String why = SwarmContext.reason(e);
      try {
        access.remoteProcs(host).remove(access.setup(host).ssh(), name);
      } catch (RuntimeException again) {
        why += "; and it could not be removed: " + SwarmContext.reason(again);
      }
      ev.send(title, "deploy of " + name.format() + " to " + host + " failed: " + why, "deploy", "failed");
      throw new VrException("deploy of " + name.format() + " to " + host + " failed: " + why, e);
    } finally {
      if (port != 0) {
        store.unlockPort(hostId, port);
      }
    }
    String done = "deployed " + name.format() + " to " + host;
    ev.send(title, done, "deploy", "done");
    return done;
  }

  /** The programs the host's supervisord runs, asked live; a host that does not answer fails the deploy. */
  private List<String> programs(String host) {
    ProcList l = hostProcs.of(List.of(host), HostProcs.CacheUse.NEVER).get(0);
    if (l.state() != ProcList.State.UP) {
      throw new VrException("host " + host + " is " + l.state().json() + " (" + l.reason() + "): nothing was deployed");
    }
    return l.procs().stream().map(Proc::name).toList();
  }
}
