-- Device tokens are issued by the server: a random part and its HMAC-SHA256
-- under a key kept here, so every process on this database signs and checks
-- with the same key, and a restart keeps it. The key is created by the
-- first join that needs it (Store.NewDeviceToken), not here: a migration is
-- run on Turso too, where a random value would differ from the local one,
-- and a restore refuses a database that already holds rows. The table is
-- replicated like any other, so a restore from Turso brings the key back
-- and the phones' cookies still verify.
CREATE TABLE server_keys (
    id         INTEGER PRIMARY KEY,
    purpose    TEXT    NOT NULL UNIQUE,
    secret     BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

-- The host can close a night to new guests; guests already in carry on.
ALTER TABLE sessions ADD COLUMN joining_locked INTEGER NOT NULL DEFAULT 0;

-- "Remove the guests who joined in the last N minutes" and the host's list
-- read a session's guests by when they joined.
CREATE INDEX guests_joined ON guests (session_id, joined_at);
