-- Every write to a session first ends the holds that have run out
-- (expireHolds); with only guests_joined it read every guest of the night
-- to find the few on hold, a cost each request paid that grew with the
-- guests (issue 18). This index finds those on hold directly.
CREATE INDEX guests_on_hold ON guests (session_id, hold_since);
