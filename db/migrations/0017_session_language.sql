-- The night's language (issue 17): a BCP 47 tag the app has messages for,
-- chosen by the host in the rules (at first the language the host's browser
-- reads in). The TV, push notifications and the history export speak it; a
-- guest's own page speaks the guest's.
ALTER TABLE sessions ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
