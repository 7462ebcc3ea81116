package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.server.store.Database;

/** Port locks and swarm claims on H2: what a resumed job, the start-up sweep and the expiry job free. */
class SwarmRunsH2Test {
  @TempDir Path dir;
  Database db;
  SwarmStore store;
  SwarmRuns runs;
  long host;
  long swarm;

  @BeforeEach
  void open() {
    db = Database.open(Database.h2Url(dir), null, null);
    store = new SwarmStore(db.jdbi());
    runs = new SwarmRuns(db.jdbi());
    db.jdbi().useHandle(h -> {
      long squad = h.createUpdate("INSERT INTO squads (name) VALUES ('q')").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      host = h.createUpdate("INSERT INTO hosts (name, squad_id) VALUES ('h1', :q)").bind("q", squad)
          .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      long app = h.createUpdate("INSERT INTO apps (name, repo_url) VALUES ('a', 'x')").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      swarm = h.createUpdate("INSERT INTO swarms (app_id, config_name, proc_name, squad_id, size) VALUES (:a, 'prod', 'web', :q, 1)")
          .bind("a", app).bind("q", squad).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    });
  }

  @AfterEach
  void close() {
    db.close();
  }

  List<Integer> locked() {
    return List.copyOf(store.lockedPorts(host));
  }

  @Test
  void abandoningADeadDispatchFreesItsClaimAndOnlyItsPortLocks() {
    runs.begin(swarm, "dead");
    assertThat(store.lockPort(host, 5001, "dead")).isTrue();
    assertThat(store.lockPort(host, 5002, "other")).isTrue();
    assertThat(store.lockPort(host, 5001, "other")).isFalse();
    assertThat(runs.abandon("dead", "its server died")).isEqualTo(1);
    assertThat(locked()).containsExactly(5002);
    String run = db.jdbi().withHandle(h -> h.createQuery("SELECT state || ':' || message FROM swarm_runs WHERE trace_id = 'dead'")
        .mapTo(String.class).one());
    assertThat(run).isEqualTo("failed:its server died");
    // free again: the next dispatch claims it
    runs.begin(swarm, "next");
  }

  @Test
  void theStartUpSweepAbandonsOnlyClaimsNoQueuedOrRunningJobHolds() {
    runs.begin(swarm, "orphan");
    db.jdbi().useHandle(h -> h.execute("UPDATE swarms SET running_since = running_since - INTERVAL '5' MINUTE"));
    db.jdbi().useHandle(h -> h.execute("INSERT INTO jobs (kind, target_id, trace_id, state, created_time, updated_time) "
        + "VALUES ('swarm', 1, 'orphan', 'running', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"));
    assertThat(runs.abandonOrphans(Duration.ofMinutes(1), "sweep")).isEmpty();
    db.jdbi().useHandle(h -> h.execute("UPDATE jobs SET state = 'failed'"));
    assertThat(runs.abandonOrphans(Duration.ofMinutes(1), "sweep")).containsExactly("orphan");
    long claimed = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM swarms WHERE running_trace IS NOT NULL")
        .mapTo(Long.class).one());
    assertThat(claimed).isZero();
  }

  @Test
  void theExpiryJobDeletesOnlyLocksOlderThanTheMaximumAge() {
    assertThat(store.lockPort(host, 5001, "t1")).isTrue();
    db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO port_locks (host_id, port, created_time, trace_id) VALUES (:h, 5002, :t, 't2')")
        .bind("h", host).bind("t", OffsetDateTime.now().minusHours(2)).execute());
    assertThat(store.expirePortLocks(Duration.ofHours(1))).isEqualTo(1);
    assertThat(locked()).containsExactly(5001);
  }
}
