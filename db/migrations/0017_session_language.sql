-- The night's language (issue 17): a BCP 47 tag the app has messages for,
-- chosen by the host in the rules (at first the language the host's browser
-- reads in). The TV and the history export speak it; a guest's own page,
-- and the notifications to their phone, speak the guest's.
ALTER TABLE sessions ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
-- The language a push subscription's notifications speak: the guest's page's
-- when they subscribed ('' for the night's).
ALTER TABLE push_subscriptions ADD COLUMN language TEXT NOT NULL DEFAULT '';
