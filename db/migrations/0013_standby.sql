-- A guest's standby list: songs a guest at the singer cap keeps for later.
-- They are in no queue, estimate or rotation; the guest's first one (by
-- position, which the guest reorders) joins the queue, placed as a new
-- request at that moment, in the same write as whatever brought the guest
-- below the cap (db/standbyfill.go). standby -> moved (request_id, or
-- held_id in approval mode) | removed (by the guest).
CREATE TABLE standby_songs (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guest_id    INTEGER NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    artist      TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    song_key    TEXT    NOT NULL,
    song_id     INTEGER REFERENCES songs (id) ON DELETE SET NULL,
    position    INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'standby'
                CHECK (status IN ('standby', 'moved', 'removed')),
    created_at  INTEGER NOT NULL,
    moved_at    INTEGER,
    request_id  INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    held_id     INTEGER REFERENCES held_requests (id) ON DELETE SET NULL
);

CREATE INDEX standby_songs_session ON standby_songs (session_id, status, guest_id, position);
CREATE INDEX standby_songs_guest ON standby_songs (guest_id, status, position);
