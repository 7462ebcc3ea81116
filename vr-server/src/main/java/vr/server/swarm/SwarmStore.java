package vr.server.swarm;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import vr.common.model.UptestResult;
import vr.common.yaml.Yaml;
import vr.server.api.rest.YamlValues;
import vr.server.records.ReleaseService;

/** The swarm flow's SQL: its swarm and release, port locks, test runs. Each call is one short transaction. */
public final class SwarmStore {
  private final Jdbi jdbi;

  public SwarmStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  Jdbi jdbi() {
    return jdbi;
  }

  /**
   * Hashes the swarm's release when its build is usable (reference 7.7 step 3, the original's #101) and reads
   * everything the dispatch needs. A swarm without a release, or whose build is not usable, fails.
   */
  public SwarmRecord load(long swarmId) {
    return jdbi.inTransaction(h -> read(h, swarmId, true));
  }

  /**
   * The same read for a plan, changing nothing: the release is hashed (when its build is usable) inside a
   * transaction that is rolled back; a release whose build is not made yet comes back without a hash.
   */
  SwarmRecord peek(long swarmId) {
    return jdbi.inTransaction(h -> {
      try {
        return read(h, swarmId, false);
      } finally {
        h.rollback();
      }
    });
  }

  private static SwarmRecord read(Handle h, long swarmId, boolean built) {
    Map<String, Object> s = h.createQuery("SELECT s.*, a.name AS app_name, a.repo_url, a.repo_type, q.name AS squad_name "
            + "FROM swarms s JOIN apps a ON a.id = s.app_id JOIN squads q ON q.id = s.squad_id WHERE s.id = :id")
        .bind("id", swarmId).mapToMap().findFirst()
        .orElseThrow(() -> new SwarmFailedException("no swarm " + swarmId));
    Object releaseId = s.get("release_id");
    if (releaseId == null) {
      throw new SwarmFailedException("swarm " + swarmId + " has no release: set its version first");
    }
    ReleaseRead rr = release(h, ((Number) releaseId).longValue(), " of swarm " + swarmId, built);
    List<SwarmRecord.SquadHost> hosts = h.createQuery("SELECT id, name, active FROM hosts WHERE squad_id = :q ORDER BY name")
        .bind("q", s.get("squad_id"))
        .map((rs, ctx) -> new SwarmRecord.SquadHost(rs.getLong("id"), rs.getString("name"), rs.getBoolean("active")))
        .list();
    return new SwarmRecord(swarmId, (String) s.get("app_name"), (String) s.get("repo_url"), (String) s.get("repo_type"),
        (String) s.get("config_name"), (String) s.get("proc_name"), (String) s.get("squad_name"),
        ((Number) s.get("size")).intValue(), (String) s.get("pool"), (String) s.get("balancer"), rr.release(), hosts,
        rr.build(), rr.inputs());
  }

  private record ReleaseRead(SwarmRecord.Release release, SwarmRecord.Build build, String inputs) {}

  /**
   * A release, hashed here when its build is usable and it was not yet; {@code built}: fail unless the build is
   * usable (else the release comes back without a hash). {@code what} names it in the error.
   */
  private static ReleaseRead release(Handle h, long rid, String what, boolean built) {
    ReleaseService.hashIfBuilt(h, rid);
    Map<String, Object> r = h.createQuery("SELECT * FROM releases WHERE id = :r").bind("r", rid).mapToMap().one();
    Map<String, Object> b = h.createQuery("SELECT * FROM builds WHERE id = :b").bind("b", r.get("build_id")).mapToMap().one();
    boolean usable = "success".equals(b.get("status")) && b.get("file") != null && r.get("hash") != null;
    if (built && !usable) {
      throw new SwarmFailedException("release " + rid + what + " has not been hashed: its build "
          + b.get("id") + " is " + b.get("status") + (b.get("file") == null ? " and has no file" : ""));
    }
    SwarmRecord.Image image = null;
    if (b.get("os_image_id") != null) {
      Map<String, Object> i = h.createQuery("SELECT * FROM os_images WHERE id = :i").bind("i", b.get("os_image_id"))
          .mapToMap().one();
      if (built && i.get("file") == null) {
        throw new SwarmFailedException("image " + i.get("name") + " of build " + b.get("id") + " has no file");
      }
      image = new SwarmRecord.Image((String) i.get("name"), (String) i.get("file"), (String) i.get("file_md5"));
    }
    SwarmRecord.Release release = new SwarmRecord.Release(rid, usable ? (String) r.get("hash") : null,
        YamlValues.loadMap(r.get("config_yaml")), YamlValues.loadMap(r.get("env_yaml")),
        YamlValues.loadList(r.get("volumes")), (String) r.get("run_as"), (String) r.get("mem_limit"),
        (String) r.get("memsw_limit"), (String) b.get("tag"), (String) b.get("file"), (String) b.get("file_md5"),
        (String) b.get("buildpack_url"), (String) b.get("buildpack_version"), image);
    // what a plan depends on in the release: its ingredients and which build and image (not the build's state,
    // which a dispatch that builds changes itself)
    String inputs = String.join("\u0000", String.valueOf(rid), String.valueOf(r.get("config_yaml")),
        String.valueOf(r.get("env_yaml")), String.valueOf(r.get("volumes")), String.valueOf(r.get("run_as")),
        String.valueOf(r.get("mem_limit")), String.valueOf(r.get("memsw_limit")), String.valueOf(b.get("id")),
        String.valueOf(b.get("tag")), String.valueOf(b.get("os_image_id")));
    return new ReleaseRead(release, new SwarmRecord.Build(((Number) b.get("id")).longValue(), (String) b.get("status"), usable),
        inputs);
  }

  /**
   * What a manual deploy of release {@code releaseId} to {@code host} needs, as a swarm of its own: the app, the
   * release, the config and proc names given, and the host (any host, in a squad or not).
   */
  public SwarmRecord loadForDeploy(long releaseId, String configName, String procName, String host) {
    return jdbi.inTransaction(h -> {
      Map<String, Object> a = h.createQuery("SELECT a.name, a.repo_url, a.repo_type FROM releases r "
              + "JOIN builds b ON b.id = r.build_id JOIN apps a ON a.id = b.app_id WHERE r.id = :r")
          .bind("r", releaseId).mapToMap().findFirst().orElseThrow(() -> new SwarmFailedException("no release " + releaseId));
      ReleaseRead rr = release(h, releaseId, "", true);
      SwarmRecord.SquadHost target = h.createQuery("SELECT id, name, active FROM hosts WHERE name = :n").bind("n", host)
          .map((rs, ctx) -> new SwarmRecord.SquadHost(rs.getLong("id"), rs.getString("name"), rs.getBoolean("active")))
          .findFirst().orElseThrow(() -> new SwarmFailedException("no host " + host));
      return new SwarmRecord(0, (String) a.get("name"), (String) a.get("repo_url"), (String) a.get("repo_type"),
          configName, procName, null, 1, null, null, rr.release(), List.of(target), rr.build(), rr.inputs());
    });
  }

  /** A proc a swarm deployed, as {@code swarm_procs} records it; {@code gone} when its host was marked gone. */
  record Deployed(String host, String proc, String pool, String balancer, boolean gone) {}

  /** The procs recorded for a swarm, whatever their names say. */
  List<Deployed> deployed(long swarmId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT p.host, p.proc, p.pool, p.balancer, x.gone_time "
            + "FROM swarm_procs p LEFT JOIN hosts x ON x.name = p.host WHERE p.swarm_id = :s ORDER BY p.host, p.proc")
        .bind("s", swarmId)
        .map((rs, c) -> new Deployed(rs.getString("host"), rs.getString("proc"), rs.getString("pool"),
            rs.getString("balancer"), rs.getObject("gone_time") != null))
        .list());
  }

  /** Records a proc as the swarm's (before its deploy, so a crash half way still leaves the record). */
  void record(long swarmId, String host, String proc, String pool, String balancer) {
    jdbi.useTransaction(h -> {
      int n = h.createUpdate("UPDATE swarm_procs SET swarm_id = :s, pool = :p, balancer = :b WHERE host = :h AND proc = :n")
          .bind("s", swarmId).bind("p", pool).bind("b", balancer).bind("h", host).bind("n", proc).execute();
      if (n == 0) {
        h.createUpdate("INSERT INTO swarm_procs (swarm_id, host, proc, pool, balancer, created_time) VALUES (:s, :h, :n, :p, :b, :t)")
            .bind("s", swarmId).bind("h", host).bind("n", proc).bind("p", pool).bind("b", balancer)
            .bind("t", OffsetDateTime.now()).execute();
      }
    });
  }

  /** Drops a proc's record once it is removed (or its host is gone). */
  void forget(String host, String proc) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM swarm_procs WHERE host = :h AND proc = :n").bind("h", host)
        .bind("n", proc).execute());
  }

  /** The ports locked on a host. */
  public Set<Integer> lockedPorts(long hostId) {
    return jdbi.withHandle(h -> new TreeSet<>(h.createQuery("SELECT port FROM port_locks WHERE host_id = :h")
        .bind("h", hostId).mapTo(Integer.class).list()));
  }

  /**
   * Locks a port for the dispatch or deploy {@code trace}; false when another deploy holds it (the unique key is
   * the guard between server processes). The trace lets a resumed job free what its dead attempt held.
   */
  public boolean lockPort(long hostId, int port, String trace) {
    try {
      jdbi.useHandle(h -> h.createUpdate("INSERT INTO port_locks (host_id, port, created_time, trace_id) VALUES (:h, :p, :t, :tr)")
          .bind("h", hostId).bind("p", port).bind("t", OffsetDateTime.now()).bind("tr", trace).execute());
      return true;
    } catch (UnableToExecuteStatementException e) {
      if (e.getCause() instanceof SQLException q && q.getSQLState() != null && q.getSQLState().startsWith("23")) {
        return false;
      }
      throw e;
    }
  }

  /** Frees every port lock {@code trace} holds; returns how many. */
  public int unlockPorts(String trace) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM port_locks WHERE trace_id = :t").bind("t", trace).execute());
  }

  /**
   * Deletes the port locks older than {@code maxAge} (a lock is held only while its proc deploys, so an old one
   * was left by a deploy that died without its job being resumed); returns how many.
   */
  public int expirePortLocks(java.time.Duration maxAge) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM port_locks WHERE created_time < :t")
        .bind("t", OffsetDateTime.now().minus(maxAge)).execute());
  }

  public void unlockPort(long hostId, int port) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM port_locks WHERE host_id = :h AND port = :p")
        .bind("h", hostId).bind("p", port).execute());
  }

  /** A proc's uptests, as a test result row. */
  public record Tested(String host, String proc, List<UptestResult> results) {
    public boolean passed() {
      return results.stream().allMatch(UptestResult::passed);
    }
  }

  /** Stores a finished test run with one result per proc (reference 7.9's TestResult); returns its id. */
  public long saveTestRun(OffsetDateTime start, List<Tested> tested) {
    return jdbi.inTransaction(h -> {
      long run = h.createUpdate("INSERT INTO test_runs (start_time, end_time) VALUES (:s, :e)")
          .bind("s", start).bind("e", OffsetDateTime.now()).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      for (Tested t : tested) {
        h.createUpdate("INSERT INTO test_results (run_id, tested_at, hostname, procname, passed, testcount, results) "
                + "VALUES (:r, :t, :h, :p, :ok, :n, :y)")
            .bind("r", run).bind("t", OffsetDateTime.now()).bind("h", t.host()).bind("p", t.proc())
            .bind("ok", t.passed()).bind("n", t.results().size()).bind("y", resultsYaml(t.results())).execute();
      }
      return run;
    });
  }

  /** The results as the original stored them: a YAML list of {Name, Output, Passed}. */
  static String resultsYaml(List<UptestResult> results) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (UptestResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Name", r.name());
      m.put("Output", r.output());
      m.put("Passed", r.passed());
      out.add(m);
    }
    return Yaml.dumpValue(out);
  }

}
