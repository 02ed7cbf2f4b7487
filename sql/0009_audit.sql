-- Audit trail (MLPS level 3 / GB/T 22239-2019 8.1.4.3, OWASP ASVS V7): sign-ins and failures,
-- lockouts, password, account, role and jurisdiction changes, target edits, overrides, uploads,
-- exports, report downloads, access denials and rejected queries. Append-only: the application only
-- inserts; nothing updates or deletes rows. One partition per month; 18.16 has no TTL, so retention
-- (at least 180 days) is AuditLog.DropExpiredPartitionsAsync, which never drops a month any part of
-- which is younger than the configured period. No secrets are written here (see AuditEvent).
CREATE TABLE IF NOT EXISTS audit_log
(
    time     DateTime,
    event_id String,   -- a GUID: readers can drop a retried insert's duplicate
    user     String,
    address  String,
    action   String,   -- an AuditAction name
    object   String,
    result   String,   -- an AuditResult name
    detail   String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (time, user, event_id);
