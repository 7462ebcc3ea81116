package vr.server.swarm;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * One dispatch at a time per swarm. A dispatch claims its swarm by setting {@code swarms.running_trace} where it
 * is empty, in one UPDATE, so of two dispatches (in one server or two) exactly one wins; the other is refused
 * with a message naming the trace that runs. Each dispatch is a {@code swarm_runs} row: its step as it goes,
 * then {@code done} or {@code failed} with the reason. The original had no such guard: two dispatches of a
 * swarm deployed twice the procs and raced on the pool.
 */
public final class SwarmRuns {
  private final Jdbi jdbi;

  public SwarmRuns(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Claims the swarm for {@code trace}; returns the run's id. {@link SwarmBusyException} when another runs. */
  public long begin(long swarmId, String trace) {
    return begin(swarmId, trace, null);
  }

  /** {@link #begin(long, String)} recording the dispatch's options (JSON, or null). */
  public long begin(long swarmId, String trace, String options) {
    return jdbi.inTransaction(h -> {
      OffsetDateTime now = OffsetDateTime.now();
      int claimed = h.createUpdate("UPDATE swarms SET running_trace = :t, running_since = :n WHERE id = :s AND running_trace IS NULL")
          .bind("t", trace).bind("n", now).bind("s", swarmId).execute();
      if (claimed == 0) {
        Map<String, Object> row = h.createQuery("SELECT running_trace, running_since FROM swarms WHERE id = :s")
            .bind("s", swarmId).mapToMap().findFirst()
            .orElseThrow(() -> new SwarmFailedException("no swarm " + swarmId));
        String running = (String) row.get("running_trace");
        throw new SwarmBusyException("swarm " + swarmId + " is already being dispatched: trace " + running
            + " (since " + row.get("running_since") + "); try again when it has finished", running);
      }
      return h.createUpdate("INSERT INTO swarm_runs (swarm_id, trace_id, state, step, start_time, options) "
              + "VALUES (:s, :t, 'running', 'release', :n, :o)")
          .bind("s", swarmId).bind("t", trace).bind("n", now).bind("o", options).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    });
  }

  /** Records the step a run is at (and the release and test run once known). */
  public void step(long runId, String step, Long releaseId, Long testRunId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE swarm_runs SET step = :st, release_id = COALESCE(:r, release_id), "
            + "test_run_id = COALESCE(:tr, test_run_id) WHERE id = :id")
        .bind("st", step).bind("r", releaseId).bind("tr", testRunId).bind("id", runId).execute());
  }

  /** Ends the run ({@code done} or {@code failed}, with a message) and frees the swarm for the next dispatch. */
  public void finish(long swarmId, String trace, long runId, boolean ok, String message) {
    finish(swarmId, trace, runId, ok ? "done" : "failed", message);
  }

  /** Ends the run in {@code state}: {@code done}, {@code failed} or {@code aborted} (a canary aborted). */
  void finish(long swarmId, String trace, long runId, String state, String message) {
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE swarm_runs SET state = :st, message = :m, end_time = :n WHERE id = :id")
          .bind("st", state).bind("m", message).bind("n", OffsetDateTime.now()).bind("id", runId).execute();
      h.createUpdate("UPDATE swarms SET running_trace = NULL, running_since = NULL WHERE id = :s AND running_trace = :t")
          .bind("s", swarmId).bind("t", trace).execute();
    });
  }

  /**
   * Frees the swarm whose dispatch {@code trace} died with its server: its run is marked failed with {@code why},
   * the port locks it held are dropped, and the swarm may be dispatched again. For a resumed swarm job before it
   * dispatches again, and for the start-up sweep ({@link #abandonOrphans}). Returns how many swarms were freed.
   */
  public int abandon(String trace, String why) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("UPDATE swarm_runs SET state = 'failed', message = :m, end_time = :n WHERE trace_id = :t AND state = 'running'")
          .bind("m", why).bind("n", OffsetDateTime.now()).bind("t", trace).execute();
      h.createUpdate("DELETE FROM port_locks WHERE trace_id = :t").bind("t", trace).execute();
      return h.createUpdate("UPDATE swarms SET running_trace = NULL, running_since = NULL WHERE running_trace = :t")
          .bind("t", trace).execute();
    });
  }

  /** A canary's run waits: state {@code waiting}, step {@code canary}, until {@link #decide} is called. */
  void waiting(long runId, String message) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE swarm_runs SET state = 'waiting', step = 'canary', message = :m, "
            + "decision = NULL, decided_by = NULL WHERE id = :id")
        .bind("m", message).bind("id", runId).execute());
  }

  /** The decision left for a waiting run ({@code continue} or {@code abort}) and who left it; empty while none. */
  Optional<List<String>> decision(long runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT decision, decided_by FROM swarm_runs WHERE id = :id AND decision IS NOT NULL")
        .bind("id", runId).map((rs, c) -> List.of(rs.getString("decision"), String.valueOf(rs.getString("decided_by"))))
        .findFirst());
  }

  /** The run goes on after its canary. */
  void resumed(long runId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE swarm_runs SET state = 'running', message = NULL WHERE id = :id")
        .bind("id", runId).execute());
  }

  /**
   * Leaves {@code decision} ({@code continue} or {@code abort}) for the swarm's run that waits at its canary, in
   * whichever server runs it (the flow polls the row). Returns that run's trace;
   * {@link SwarmFailedException} when no run of the swarm waits (or one was decided already).
   */
  public String decide(long swarmId, String decision, String user) {
    if (!decision.equals("continue") && !decision.equals("abort")) {
      throw new IllegalArgumentException("decision: continue or abort, not " + decision);
    }
    return jdbi.inTransaction(h -> {
      Map<String, Object> run = h.createQuery("SELECT id, trace_id, decision FROM swarm_runs WHERE swarm_id = :s AND state = 'waiting' "
              + "ORDER BY id DESC").bind("s", swarmId).mapToMap().findFirst()
          .orElseThrow(() -> new SwarmFailedException("no dispatch of swarm " + swarmId + " waits at a canary"));
      if (run.get("decision") != null) {
        throw new SwarmFailedException("the dispatch of swarm " + swarmId + " (trace " + run.get("trace_id")
            + ") was told to " + run.get("decision") + " already");
      }
      h.createUpdate("UPDATE swarm_runs SET decision = :d, decided_by = :u WHERE id = :id AND decision IS NULL")
          .bind("d", decision).bind("u", user).bind("id", run.get("id")).execute();
      return (String) run.get("trace_id");
    });
  }

  /**
   * Abandons every claim no job will finish: a swarm claimed by a trace whose job is neither queued nor running
   * (a job whose server died is still {@code running} and is resumed by the job runner, which abandons it then).
   * The claims of dispatches run outside the job queue are left alone unless {@code olderThan} has passed.
   * Returns the traces abandoned.
   */
  public java.util.List<String> abandonOrphans(java.time.Duration olderThan, String why) {
    java.util.List<String> traces = jdbi.withHandle(h -> h.createQuery("SELECT s.running_trace FROM swarms s "
            + "WHERE s.running_trace IS NOT NULL AND s.running_since < :old AND NOT EXISTS (SELECT 1 FROM jobs j "
            + "WHERE j.trace_id = s.running_trace AND j.state IN ('queued', 'running'))")
        .bind("old", OffsetDateTime.now().minus(olderThan)).mapTo(String.class).list());
    traces.forEach(t -> abandon(t, why));
    return traces;
  }
}
