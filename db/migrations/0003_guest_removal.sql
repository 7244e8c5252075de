-- The host can remove a guest from a session: their waiting requests are
-- taken out of the queue, and their device may not request again there.
-- removed_at is when that happened; NULL for a guest in good standing.
ALTER TABLE guests ADD COLUMN removed_at INTEGER;

-- The retention purge looks up ended sessions by when they ended.
CREATE INDEX sessions_ended ON sessions (ended_at) WHERE ended_at IS NOT NULL;
