-- Frozen supervision bulletins (methodology §6, docs/reports.md). Both tables are written once per
-- report id and never updated: a report is not recomputed, a later restatement goes into the next one.

-- One row per report: the metadata lists need, and the canonical snapshot JSON whose SHA-256 is
-- content_hash, so an auditor can recheck a bulletin against the numbers it was rendered from.
CREATE TABLE IF NOT EXISTS reports
(
    id            String,              -- {city}-{year}-{number:000}
    city_code     String,
    as_of         Date,
    year          UInt16,              -- the year of the number 〔year〕第n期
    number        UInt32,
    period_label  String,
    generated_at  DateTime,            -- UTC
    generated_by  String,
    data_version  Nullable(DateTime),  -- latest load time of the data the report rests on (UTC)
    previous_id   String,              -- '' for a city's first report
    content_hash  String,              -- SHA-256 (hex) of snapshot
    snapshot      String               -- canonical JSON of the frozen snapshot
)
ENGINE = MergeTree
ORDER BY (city_code, generated_at, id);

-- The rendered files, base64 in a String: the HTTP interface's text formats carry it unescaped on
-- every server version, where raw bytes would need per-version escaping rules.
CREATE TABLE IF NOT EXISTS report_files
(
    report_id    String,
    format       String,               -- Docx | Xlsx | Html
    file_name    String,
    content_type String,
    sha256       String,               -- of the decoded bytes
    size         UInt64,
    content      String                -- base64
)
ENGINE = MergeTree
ORDER BY (report_id, format);
