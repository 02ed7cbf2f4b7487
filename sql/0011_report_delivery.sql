-- Report delivery (issue 8): in-app notifications of new bulletins and who has read them.
--
-- On-demand reports need no request table: the api generates synchronously (a report takes well under
-- 5 s, docs/benchmarks.md) and the jobs host generates the scheduled ones; docs/reports.md says why.

-- One row per notice, addressed to a role within a region: every user holding the role whose jurisdiction
-- covers the region sees it (a new ReportOffice account sees earlier bulletins of its city too). Insert only.
CREATE TABLE IF NOT EXISTS notifications
(
    id          String,                 -- 32 hex digits
    created_at  DateTime,               -- UTC
    role        String,                 -- a Role name (ReportOffice)
    region_code String,                 -- the region it concerns (the report's city)
    kind        String,                 -- ReportGenerated
    title       String,
    body        String,
    report_id   String                  -- '' when it concerns no report
)
ENGINE = MergeTree
ORDER BY (created_at, id);

-- A user has read a notice. Insert only; a repeated mark adds a row that readers treat like the first.
CREATE TABLE IF NOT EXISTS notification_reads
(
    notification_id String,
    user            String,             -- the account name
    read_at         DateTime            -- UTC
)
ENGINE = MergeTree
ORDER BY (user, notification_id);
