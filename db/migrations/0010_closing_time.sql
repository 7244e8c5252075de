-- The venue's time zone and the night's closing time. time_zone is an IANA
-- name ("Europe/London"); '' is the server's own zone (TZ, or the system's).
-- closing_at is the last moment a song may start, in Unix milliseconds, an
-- instant and not a time of day, so that a closing after midnight stays on
-- the right day and a DST change moves nothing; NULL for no closing time.
ALTER TABLE sessions ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN closing_at INTEGER;
