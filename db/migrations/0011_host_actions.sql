-- The host's action log: an append-only record of what each host device
-- did to the night (who, what, when, and the rows it changed, before and
-- after), written in the same transaction as the action. An undo is a row
-- of its own that names the action it undid (undoes); rows are never
-- updated. changes is JSON: for each row the action touched, its table, id
-- and the columns an undo restores, as they were before and after.
-- guest_id and guest_notice tell the guest whose song it moved or skipped.
CREATE TABLE host_actions (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    device       TEXT    NOT NULL DEFAULT '',
    summary      TEXT    NOT NULL,
    changes      TEXT    NOT NULL,
    guest_id     INTEGER,
    guest_notice TEXT    NOT NULL DEFAULT '',
    undoes       INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE INDEX host_actions_session ON host_actions (session_id, id);
CREATE INDEX host_actions_undoes ON host_actions (undoes) WHERE undoes IS NOT NULL;
CREATE INDEX host_actions_guest ON host_actions (session_id, guest_id, id) WHERE guest_id IS NOT NULL;
