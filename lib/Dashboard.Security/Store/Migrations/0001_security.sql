-- Operational store: accounts, roles, jurisdictions, sessions, API keys, supervision cases.
-- Portable subset of SQLite and PostgreSQL: TEXT and BIGINT only, times as Unix milliseconds (UTC),
-- flags as 0/1, ids as text (GUIDs) so no engine-specific auto-increment is needed.

CREATE TABLE users
(
    id                   TEXT PRIMARY KEY,
    user_name            TEXT NOT NULL,
    normalized_name      TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    password_changed_at  BIGINT NOT NULL,
    must_change_password BIGINT NOT NULL,
    disabled             BIGINT NOT NULL DEFAULT 0,
    failed_count         BIGINT NOT NULL DEFAULT 0,
    locked_until         BIGINT NULL,
    created_at           BIGINT NOT NULL
);

CREATE TABLE user_roles
(
    user_id TEXT NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_regions
(
    user_id     TEXT NOT NULL REFERENCES users (id),
    region_code TEXT NOT NULL,
    PRIMARY KEY (user_id, region_code)
);

-- Previous password hashes, newest = highest seq (times can tie), so a change can refuse the last N.
CREATE TABLE password_history
(
    user_id       TEXT NOT NULL REFERENCES users (id),
    seq           BIGINT NOT NULL,
    password_hash TEXT NOT NULL,
    changed_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, seq)
);

-- Sessions are keyed by the SHA-256 of the bearer token: a copy of this table cannot be replayed.
CREATE TABLE sessions
(
    token_hash           TEXT PRIMARY KEY,
    id                   TEXT NOT NULL UNIQUE,
    user_id              TEXT NOT NULL REFERENCES users (id),
    address              TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    last_seen_at         BIGINT NOT NULL,
    must_change_password BIGINT NOT NULL,
    ended_at             BIGINT NULL,
    end_reason           TEXT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id, ended_at);

CREATE TABLE api_keys
(
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NULL,
    revoked_at   BIGINT NULL
);
CREATE INDEX ix_api_keys_user ON api_keys (user_id);

CREATE TABLE cases
(
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    owner_unit  TEXT NOT NULL,
    title       TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX ix_cases_region ON cases (region_code, status);

CREATE TABLE case_history
(
    case_id     TEXT NOT NULL REFERENCES cases (id),
    seq         BIGINT NOT NULL,
    from_status TEXT NULL,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
