-- The host may show the singing request's note on the TV, under Now
-- singing ("key -2, duet with Cleo"). Off unless the host turns it on:
-- a note is written for the host, and the TV is seen by the whole room.
ALTER TABLE sessions ADD COLUMN show_notes INTEGER NOT NULL DEFAULT 0;
