-- Which dispatch or manual deploy holds a port lock (its trace): a job resumed after its server died frees the
-- locks of its dead attempt (vr.server.swarm.SwarmRuns.abandon) instead of leaving them to the expiry job.
ALTER TABLE port_locks ADD COLUMN trace_id VARCHAR(64);
