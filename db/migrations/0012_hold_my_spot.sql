-- Hold my spot (issue 15): a guest who steps out holds their place in the
-- line. hold_since is when their hold started (NULL: not on hold); it ends
-- with "I'm back", the host's release, or hold_minutes after it started,
-- when the songs whose turn came go to the back of the line: hold_lapsed_at
-- and hold_lapse_moved (how many songs went back) tell the guest so.
ALTER TABLE guests ADD COLUMN hold_since INTEGER;
ALTER TABLE guests ADD COLUMN hold_lapsed_at INTEGER;
ALTER TABLE guests ADD COLUMN hold_lapse_moved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 20;
