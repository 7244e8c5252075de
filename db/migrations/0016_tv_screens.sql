-- The TVs that show a night by pairing (/tv). A TV is its cookie: the
-- store keeps only the SHA-256 of the random token it holds (token_hash).
-- While a TV waits, code_hash is the keyed hash (HMAC under the server's
-- device key) of the six-digit code it shows, which pairs it until
-- code_expires_at; the code itself is kept nowhere but on the TV. Once a
-- host types that code, session_id is the night it shows (and the code is
-- gone: single use) until the host unpairs it or the night ends. Deleted
-- with its session, or when it has waited a long time with no code.
CREATE TABLE tv_screens (
    id              INTEGER PRIMARY KEY,
    token_hash      BLOB    NOT NULL,
    code_hash       BLOB,
    code_expires_at INTEGER,
    session_id      INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    paired_at       INTEGER,
    created_at      INTEGER NOT NULL
);

CREATE UNIQUE INDEX tv_screens_token ON tv_screens (token_hash);
CREATE UNIQUE INDEX tv_screens_code ON tv_screens (code_hash);
CREATE INDEX tv_screens_expiry ON tv_screens (code_expires_at);
CREATE INDEX tv_screens_session ON tv_screens (session_id);
