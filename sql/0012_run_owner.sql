-- Clustered jobs hosts (issue 9): who runs a pull, and which process handled each "run now" request.

-- One row per run request a jobs process handled. The request poller runs on one node of the cluster at a
-- time (a Quartz job that disallows concurrent execution, serialised by the shared job store), so reading
-- the unclaimed requests, starting their pulls and writing these rows never races another node; a request
-- is handled once even though every node polls.
CREATE TABLE IF NOT EXISTS run_request_claims
(
    request_id   String,
    source_id    String,
    requested_at DateTime,              -- the request's own time, to bound the NOT IN lookup
    claimed_by   String,                -- the Quartz scheduler instance id of the process that handled it
    claimed_at   DateTime,
    outcome      String                 -- Triggered | Ignored: <why>
)
ENGINE = MergeTree
ORDER BY (requested_at, request_id);

-- The Quartz scheduler instance running a pull (empty for api uploads and older runs): the run sweeper marks a
-- run that stays Running Failed only when this instance is no longer alive in the cluster. Last, so that a
-- failure above leaves nothing to re-run twice (18.16 has no ADD COLUMN IF NOT EXISTS).
ALTER TABLE pull_runs ADD COLUMN owner String DEFAULT '' AFTER error;
