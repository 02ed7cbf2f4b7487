-- Scorecard snapshots are read a region, a few regions or a status at a time: tens to hundreds of rows out of a
-- snapshot of a few thousand. With the default 8,192-row granules every such read decompressed all 30 columns of
-- whole snapshots (about 3.8 ms of ClickHouse CPU per OData request; 2.4 ms with 256-row granules, measured on
-- the web benchmark's data). index_granularity cannot be altered, so the table is made again. Its rows are
-- disposable caches: a started api computes the snapshots it needs again, and frozen bulletins live in the
-- report tables. Like every migration, run it with the api stopped (an api that kept a snapshot id in memory
-- would read an empty snapshot until Scorecard:ResultCacheSeconds passes).
DROP TABLE IF EXISTS scorecard_results;

CREATE TABLE scorecard_results
(
    snapshot_id        String,
    created_at         DateTime,
    region_code        String,
    region_name        String,
    target_id          String,
    target_version     UInt32,
    target_region_code String,
    indicator_code     String,
    as_of              Date,
    actual             Nullable(Decimal(18, 6)),
    actual_period      Nullable(Date),
    expected           Nullable(Decimal(18, 6)),
    target_value       Nullable(Decimal(18, 6)),
    deadline           Date,
    baseline           Nullable(Decimal(18, 6)),
    baseline_fallback  UInt8,
    forecast           Nullable(Decimal(18, 6)),
    relative_shortfall Nullable(Decimal(18, 6)),
    status             String,
    stale              UInt8,
    will_miss          UInt8,
    inherited          UInt8,
    latest_period      Nullable(Date),
    loaded_at          Nullable(DateTime),
    override_status    String,   -- '' when no override applies
    override_reason    String,
    override_author    String
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(created_at)
ORDER BY (snapshot_id, region_code, target_id)
SETTINGS index_granularity = 256;
