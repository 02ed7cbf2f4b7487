-- Two statements in one file; the ';' inside the default value is not a separator.
CREATE TABLE IF NOT EXISTS items (id UInt32, note String DEFAULT 'a;b') ENGINE = MergeTree ORDER BY id;
CREATE TABLE IF NOT EXISTS applied_log (file String) ENGINE = MergeTree ORDER BY file;
