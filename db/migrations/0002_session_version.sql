-- Every write to a session bumps its version, in the same transaction, so a
-- live stream in any process can tell cheaply whether what it last sent is
-- still current.
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The rotation asks for the earliest round still waiting, and a new request
-- for the same song already waiting; both stay quick with a long queue.
-- 0001 creates these indexes too (since it was amended before release), so
-- only a database made by an earlier 0001 lacks them.
CREATE INDEX IF NOT EXISTS requests_round ON requests (session_id, status, round);
CREATE INDEX IF NOT EXISTS requests_song ON requests (session_id, song_key);
