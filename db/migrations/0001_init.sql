-- The night's three things: a session (one karaoke night), the guests who
-- joined it, and the song requests they made. A request that is started
-- becomes a turn: its started_at and ended_at feed the wait estimates.
-- Times are Unix milliseconds (UTC).

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    code             TEXT    NOT NULL,
    host_secret_hash BLOB    NOT NULL,
    singer_cap       INTEGER NOT NULL DEFAULT 3,
    requests_paused  INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    ended_at         INTEGER
);

-- A join code names one open session at a time; ended sessions free theirs.
CREATE UNIQUE INDEX sessions_open_code ON sessions (code) WHERE ended_at IS NULL;
CREATE INDEX sessions_code ON sessions (code, id);

CREATE TABLE guests (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    device_hash  BLOB    NOT NULL,
    name         TEXT    NOT NULL,
    -- name_key is the name folded for comparison; name_ordinal tells two
    -- guests of the same name apart ("John", "John (2)").
    name_key     TEXT    NOT NULL,
    name_ordinal INTEGER NOT NULL,
    joined_at    INTEGER NOT NULL,
    UNIQUE (session_id, device_hash),
    UNIQUE (session_id, name_key, name_ordinal)
);

CREATE TABLE requests (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guest_id    INTEGER NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    artist      TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    -- song_key is title and artist folded, to spot a song already waiting.
    song_key    TEXT    NOT NULL,
    -- waiting -> singing -> done; or skipped, withdrawn (by the guest),
    -- removed (by the host).
    status      TEXT    NOT NULL DEFAULT 'waiting'
                CHECK (status IN ('waiting', 'singing', 'done', 'skipped', 'withdrawn', 'removed')),
    -- round is the rotation round the request was placed in; position is its
    -- place in the queue, kept as it is so that host overrides stick.
    round       INTEGER NOT NULL,
    position    REAL    NOT NULL,
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    ended_at    INTEGER
);

CREATE INDEX requests_queue ON requests (session_id, status, position);
-- The rotation asks for the round in progress, and a new request for a song
-- already waiting: both stay index look-ups however long the queue grows.
CREATE INDEX requests_round ON requests (session_id, status, round);
CREATE INDEX requests_song ON requests (session_id, song_key);
CREATE INDEX requests_guest ON requests (guest_id, status, round);
