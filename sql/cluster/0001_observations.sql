-- Cluster variant of sql/0001_observations.sql: the same tables for several ClickHouse servers coordinated by
-- ClickHouse Keeper (docs/scaling.md). Each table becomes a replicated local table on every node plus a
-- Distributed table under the original name, so the application's SQL does not change.
-- Needs the macros {cluster}, {shard} and {replica} in every server's config (config.d/macros.xml) and a
-- <remote_servers> entry named as {cluster}. Runs on the LTS only (18.16 has no Keeper and no {database}
-- macro in replication paths).

CREATE TABLE IF NOT EXISTS observations_raw_local ON CLUSTER '{cluster}'
(
    region_code    String,
    indicator_code String,
    period         Date,
    numerator      Nullable(Decimal(18, 4)),
    denominator    Nullable(Decimal(18, 4)),
    value          Nullable(Decimal(18, 4)),
    revision       UInt32,
    source_id      String,
    run_id         String,
    updated_at     DateTime,
    loaded_at      DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/observations_raw', '{replica}')
PARTITION BY toYear(period)
ORDER BY (indicator_code, region_code, period, revision, loaded_at);

-- Sharded by region: every revision of a (region, indicator, period) key lands on the same shard, which
-- ReplacingMergeTree and FINAL need (they de-duplicate within a shard only).
CREATE TABLE IF NOT EXISTS observations_raw ON CLUSTER '{cluster}' AS observations_raw_local
ENGINE = Distributed('{cluster}', currentDatabase(), observations_raw_local, cityHash64(region_code));

CREATE TABLE IF NOT EXISTS observations_local ON CLUSTER '{cluster}'
(
    region_code    String,
    indicator_code String,
    period         Date,
    numerator      Nullable(Decimal(18, 4)),
    denominator    Nullable(Decimal(18, 4)),
    value          Nullable(Decimal(18, 4)),
    revision       UInt32,
    source_id      String,
    run_id         String,
    updated_at     DateTime,
    loaded_at      DateTime,
    version        UInt64 DEFAULT toUInt64(revision) * 4294967296 + toUInt64(toUInt32(loaded_at))
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/observations', '{replica}', version)
PARTITION BY toYear(period)
ORDER BY (indicator_code, region_code, period);

CREATE TABLE IF NOT EXISTS observations ON CLUSTER '{cluster}' AS observations_local
ENGINE = Distributed('{cluster}', currentDatabase(), observations_local, cityHash64(region_code));
