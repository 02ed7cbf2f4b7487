-- Observations: (region, indicator, period) -> numbers, as district systems report them.
-- Methodology §3: the highest revision wins, ties go to the latest load; earlier revisions stay in
-- observations_raw for lineage and audit. Numbers are Decimal(18, 4) so sums that inspectors redo by
-- hand come out exactly.

-- Every row ever loaded, with the pull run that loaded it. Never updated.
CREATE TABLE IF NOT EXISTS observations_raw
(
    region_code    String,
    indicator_code String,
    period         Date,                        -- first day of the period (month, term start, year)
    numerator      Nullable(Decimal(18, 4)),    -- ratio indicators
    denominator    Nullable(Decimal(18, 4)),    -- ratio indicators
    value          Nullable(Decimal(18, 4)),    -- count, amount and max indicators
    revision       UInt32,
    source_id      String,
    run_id         String,
    updated_at     DateTime,                    -- when the district system changed the row
    loaded_at      DateTime                     -- when this platform stored it
)
ENGINE = MergeTree
PARTITION BY toYear(period)
ORDER BY (indicator_code, region_code, period, revision, loaded_at);

-- The current value per key. ReplacingMergeTree keeps the row with the largest version; version packs
-- (revision, loaded_at) so a higher revision always wins and a reload of the same revision goes to the
-- later load. Read with FINAL (or argMax on version): duplicates vanish only when parts merge.
CREATE TABLE IF NOT EXISTS observations
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYear(period)
ORDER BY (indicator_code, region_code, period);
