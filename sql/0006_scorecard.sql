-- Region closure: every (region, ancestor) pair, the region itself at depth 1, computed from regions on
-- every read so it can never be stale. Five ancestor levels cover school -> town -> county -> city ->
-- province. ANY LEFT JOIN … USING is the join form 18.16 and the current LTS both run; every joined
-- subquery is named, as current releases require (joined_subquery_requires_alias, ALIAS_REQUIRED).
CREATE VIEW IF NOT EXISTS region_closure AS
SELECT code AS region_code, ancestor_code, depth
FROM
(
    SELECT code, arrayFilter(x -> x != '', [code, p1, p2, p3, p4, p5]) AS chain
    FROM
    (
        SELECT code, p1, p2, p3, p4, p5 FROM
        (
            SELECT code, p1, p2, p3, p4 FROM
            (
                SELECT code, p1, p2, p3 FROM
                (
                    SELECT code, p1, p2 FROM
                    (SELECT code, parent_code AS p1 FROM regions FINAL) AS c1
                    ANY LEFT JOIN (SELECT code AS p1, parent_code AS p2 FROM regions FINAL) AS a2 USING p1
                ) AS c2
                ANY LEFT JOIN (SELECT code AS p2, parent_code AS p3 FROM regions FINAL) AS a3 USING p2
            ) AS c3
            ANY LEFT JOIN (SELECT code AS p3, parent_code AS p4 FROM regions FINAL) AS a4 USING p3
        ) AS c4
        ANY LEFT JOIN (SELECT code AS p4, parent_code AS p5 FROM regions FINAL) AS a5 USING p4
    )
)
ARRAY JOIN chain AS ancestor_code, arrayEnumerate(chain) AS depth;

-- Inspector overrides of a computed rating: append-only; the latest one whose valid_from is on or
-- before the as-of date is shown beside the computed rating (methodology §5, last paragraph).
CREATE TABLE IF NOT EXISTS rating_overrides
(
    region_code String,
    target_id   String,
    status      String,   -- a ScorecardStatus name
    reason      String,
    author      String,
    created_at  DateTime,
    valid_from  Date,
    version     UInt64    -- creation time in ticks: orders two overrides made within the same second
)
ENGINE = MergeTree
ORDER BY (region_code, target_id, version);
