-- A session's join link (the QR code) carries a long random token, which no
-- one can find by trying codes; the 4-character code stays for typing by
-- hand, where a per-address limit protects it.
-- The column starts NULL: every Open gives a token to each session that has
-- none, as an ordinary write, so replication sends Turso the same tokens (a
-- random value made in this file would differ between SQLite and Turso).
ALTER TABLE sessions ADD COLUMN join_token TEXT;
CREATE UNIQUE INDEX sessions_join_token ON sessions (join_token);
