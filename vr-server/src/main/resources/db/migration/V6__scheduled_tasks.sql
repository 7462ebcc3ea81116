-- The job queue under the jobs table (vr.server.jobs.JobRunner): db-scheduler's table, as its documentation gives
-- it for PostgreSQL, with VARCHAR keys instead of TEXT so that H2 (where TEXT is a CLOB, not allowed in a key) runs
-- it alike. One row per queued or running job (task_name 'vr-job', task_instance the job's id); a server that
-- picks a row heartbeats it, and another server revives it when the heartbeats stop.
CREATE TABLE scheduled_tasks (
  task_name VARCHAR(100) NOT NULL,
  task_instance VARCHAR(100) NOT NULL,
  task_data BYTEA,
  execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
  picked BOOLEAN NOT NULL,
  picked_by VARCHAR(100),
  last_success TIMESTAMP WITH TIME ZONE,
  last_failure TIMESTAMP WITH TIME ZONE,
  consecutive_failures INT,
  last_heartbeat TIMESTAMP WITH TIME ZONE,
  version BIGINT NOT NULL,
  priority SMALLINT,
  PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);

-- The user-visible record of each attempt: how many times a job was started (more than one means a server died
-- while running it), by which server, and when it started and ended.
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN runner VARCHAR(100);
ALTER TABLE jobs ADD COLUMN started_time TIMESTAMP WITH TIME ZONE;
ALTER TABLE jobs ADD COLUMN finished_time TIMESTAMP WITH TIME ZONE;

-- The job building a build now (vr.server.swarm.BuildStep): with its status 'started' it is the claim that keeps
-- a second build of the same app, tag and image from starting.
ALTER TABLE builds ADD COLUMN job_id BIGINT;
