-- Scorecard results materialised for querying: the engine judges a subtree in C# (methodology §5), and
-- its rows are written here under a snapshot id so that the OData Scorecard set is filtered, sorted,
-- paged and aggregated by ClickHouse like every other set, and so that every page of one listing reads
-- the same snapshot. Snapshots are disposable caches, one partition per day, dropped after a few days
-- (ScorecardResultStore.PruneAsync); frozen report snapshots live elsewhere and are never dropped.
CREATE TABLE IF NOT EXISTS scorecard_results
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
ORDER BY (snapshot_id, region_code, target_id);
