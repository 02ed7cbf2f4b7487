-- Not idempotent on purpose: applied twice, it would leave two rows.
INSERT INTO items (id) VALUES (1);
INSERT INTO applied_log (file) VALUES ('0002');
