-- The catalogue: regions, indicators and targets (methodology §1, §2, §4).
-- Enumerations are stored as their names (String) so the same SQL runs on 18.16 and the current LTS;
-- lib/Dashboard.Data validates them and tests check every stored row.

-- Regions: one hierarchy, province -> city -> county/district -> town/street/zone (-> school).
-- Codes: official 6-digit administrative codes at county level and above; 9 digits below (see
-- docs/regions.md for the scheme and provenance). parent_code is '' for a province.
CREATE TABLE IF NOT EXISTS regions
(
    code        String,
    name        String,          -- Chinese name, e.g. 昆山市
    level       String,          -- Province | City | County | Town | School
    parent_code String,
    kind        String,          -- the Chinese administrative kind: 省, 地级市, 县级市, 区, 县, 镇, 街道, 开发区 …
    provenance  String           -- where the name and code come from
)
ENGINE = ReplacingMergeTree
ORDER BY code;

-- Indicators: what is measured and how it rolls up.
CREATE TABLE IF NOT EXISTS indicators
(
    code                   String,  -- UPPER_SNAKE_CASE, as district feeds send it
    name                   String,  -- Chinese name
    name_en                String,
    unit                   String,  -- '%' for ratios (stored as fractions), 个, 人, 所, 万元, 小时 …
    kind                   String,  -- Ratio | Count | Amount | Max
    direction              String,  -- HigherIsBetter | LowerIsBetter
    periodicity            String,  -- Month | Term | Year
    numerator_definition   String,  -- Ratio: what the numerator counts
    denominator_definition String,  -- Ratio: what the denominator counts
    definition             String   -- plain-language definition (all kinds)
)
ENGINE = ReplacingMergeTree
ORDER BY code;

-- Targets are versioned rows: an edit inserts version n+1 with its author and time; nothing is
-- updated in place, so the history of every target stays readable. Current = highest version.
CREATE TABLE IF NOT EXISTS targets
(
    id                String,         -- stable id, e.g. KS-2025-PLACES
    version           UInt32,
    region_code       String,
    indicator_code    String,
    kind              String,         -- Level | ChangeFromBaseline | Cumulative | Ceiling | Maintain
    comparator        String,         -- ge | gt | le | lt
    value             Decimal(18, 4), -- ratios as fractions; ChangeFromBaseline: the delta
    start_date        Date,
    deadline          Date,
    baseline_period   Nullable(Date), -- first day of the baseline period, where the clause names one
    document          String,         -- file name of the policy document
    clause            String,         -- the sentence, verbatim
    responsible_units Array(String),  -- 责任单位 the clause names
    author            String,
    created_at        DateTime,
    change_note       String
)
ENGINE = MergeTree
ORDER BY (id, version);
