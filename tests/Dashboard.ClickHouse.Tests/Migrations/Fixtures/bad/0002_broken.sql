CREATE TABLE IF NOT EXISTS also_fine (id UInt32) ENGINE = MergeTree ORDER BY id;
CREATE TABLE broken (id UInt32) ENGINE = NoSuchEngine;
