-- The host may take requests from the songbook alone ("songbook only"):
-- a guest then picks a song from it and cannot type one in. It has effect
-- only while the night has a songbook. Off unless the host turns it on.
ALTER TABLE sessions ADD COLUMN songbook_only INTEGER NOT NULL DEFAULT 0;
