-- Pull runs, quarantined rows and per-source watermarks (issue 4).

-- One row per run, rewritten as the run progresses (Running -> Succeeded / PartiallySucceeded / Failed /
-- Skipped); the highest version is the current state of the run.
CREATE TABLE IF NOT EXISTS pull_runs
(
    id             String,
    source_id      String,
    trigger        String,              -- Schedule | Manual | Upload | DropFolder
    started_at     DateTime,
    finished_at    Nullable(DateTime),
    status         String,              -- Running | Succeeded | PartiallySucceeded | Failed | Skipped
    rows_received  UInt64,
    rows_loaded    UInt64,
    rows_rejected  UInt64,
    pages          UInt32,
    retries        UInt32,
    watermark_from Nullable(DateTime),
    watermark_to   Nullable(DateTime),
    file_name      String,
    error          String,
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- Every invalid row, with the raw row as received and a reason a district officer can act on.
CREATE TABLE IF NOT EXISTS rejections
(
    id          String,
    run_id      String,
    source_id   String,
    region_code String,                 -- as sent (may be unknown or empty)
    row_number  UInt32,                 -- position in the page or file (files: the line, header = 1)
    row         String,                 -- the raw row: JSON object text or CSV line / XLSX cells as CSV
    field       String,                 -- the contract field at fault
    reason      String,
    rejected_at DateTime
)
ENGINE = MergeTree
ORDER BY (source_id, rejected_at, id);

-- The feed watermark per source: moved only after the rows it covers are stored.
CREATE TABLE IF NOT EXISTS source_watermarks
(
    source_id  String,
    watermark  DateTime,
    run_id     String,
    updated_at DateTime
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY source_id;

-- "Run now" requests from the api; the jobs host polls them and starts the source's job.
CREATE TABLE IF NOT EXISTS run_requests
(
    id           String,
    source_id    String,
    requested_by String,
    requested_at DateTime
)
ENGINE = MergeTree
ORDER BY (requested_at, id);
