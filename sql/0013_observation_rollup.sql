-- Observations summed per judged region, indicator and period: what the scorecard engine's roll-up
-- (methodology §2: ratio of sums) needs, kept current at ingestion instead of recomputed from every
-- observation on each scorecard. A judged region is the observation's own region, or a school's parent
-- (schools feed their town's figures). Each refresh inserts the recomputed group with a newer version;
-- ReplacingMergeTree keeps the newest, read with FINAL. ObservationRollup (lib/Dashboard.Data) writes it;
-- RebuildAsync recomputes it whole (after a change of the region hierarchy, or to repair).
CREATE TABLE IF NOT EXISTS observation_rollup
(
    judged_code    String,
    indicator_code String,
    period         Date,
    numerator      Nullable(Decimal(38, 4)),
    denominator    Nullable(Decimal(38, 4)),
    sum_value      Nullable(Decimal(38, 4)),
    max_value      Nullable(Decimal(38, 4)),
    loaded_at      DateTime,
    rows           UInt64,
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (judged_code, indicator_code, period);
