-- A guest's Web Push subscriptions: where the browser's push service takes
-- messages for it (endpoint) and the keys to encrypt them for (p256dh, the
-- browser's P-256 public key, and auth, its 16-byte secret, base64url as
-- the browser gave them). One row per endpoint: a browser that subscribes
-- again, or for another night, moves its row. Deleted when the push service
-- answers 404 or 410, and with the session. told_next and told_turn are
-- the requests this subscription was last told are up next and have
-- started (nudge), so each is told once, across restarts too.
CREATE TABLE push_subscriptions (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guest_id    INTEGER NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    endpoint    TEXT    NOT NULL,
    p256dh      TEXT    NOT NULL,
    auth        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    told_next   INTEGER,
    told_turn   INTEGER
);

CREATE UNIQUE INDEX push_subscriptions_endpoint ON push_subscriptions (endpoint);
CREATE INDEX push_subscriptions_guest ON push_subscriptions (guest_id);
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);
