-- Walk-up singers: a guest the host added, who has no phone. Their
-- device_hash is a value the store makes (db/walkups.go), of a length no
-- device's hash has, so no phone can ever be taken for them.
ALTER TABLE guests ADD COLUMN added_by_host INTEGER NOT NULL DEFAULT 0;

-- Approval mode: when on, a guest's new request waits for the host's OK.
ALTER TABLE sessions ADD COLUMN approval INTEGER NOT NULL DEFAULT 0;

-- A request held for the host's OK lives here, not in requests, so nothing
-- that reads the queue (the rotation, the estimates, the TV) can count it
-- by mistake, and requests keeps its statuses. Approved, it becomes a
-- request (request_id) placed in the rotation as of the approval; declined,
-- it stays here so the guest is told. pending -> approved | declined; or
-- withdrawn by its guest.
CREATE TABLE held_requests (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guest_id    INTEGER NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    artist      TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    song_id     INTEGER REFERENCES songs (id) ON DELETE SET NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
    created_at  INTEGER NOT NULL,
    decided_at  INTEGER,
    request_id  INTEGER REFERENCES requests (id) ON DELETE SET NULL
);

CREATE INDEX held_requests_session ON held_requests (session_id, status, id);
CREATE INDEX held_requests_guest ON held_requests (guest_id, status);
