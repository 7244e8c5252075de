-- The songbook: a host's song list, imported once and attached to any of
-- their nights. owner_hash is the SHA-256 of a key the importing browser
-- holds (like a host key); NULL is a house songbook, the operator's,
-- offered to every new session. An import writes its songs in chunks into
-- a new songbook whose completed_at stays NULL until the last chunk is in;
-- touched_at moves with every chunk, so an import nobody is writing any
-- more (the process died) is told from one still running, and removed.
-- The search index is not here: it is local (tables named local_*), built
-- by the store (db/songindex.go), since Turso's engines need not have FTS5.
CREATE TABLE songbooks (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    owner_hash   BLOB,
    song_count   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    touched_at   INTEGER NOT NULL,
    completed_at INTEGER
);

-- title_key and artist_key are fold.Loose of title and artist: a song's
-- identity in its book, the exact-title match of a search and the A-Z order
-- of artists.
CREATE TABLE songs (
    id          INTEGER PRIMARY KEY,
    songbook_id INTEGER NOT NULL REFERENCES songbooks (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    artist      TEXT    NOT NULL DEFAULT '',
    title_key   TEXT    NOT NULL,
    artist_key  TEXT    NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX songs_book_song ON songs (songbook_id, title_key, artist_key);
CREATE INDEX songs_book_artist ON songs (songbook_id, artist_key, title_key);

-- A session's songbook: replacing one is one write of this column.
ALTER TABLE sessions ADD COLUMN songbook_id INTEGER REFERENCES songbooks (id) ON DELETE SET NULL;

-- A request made from the songbook names its song; the title and artist
-- are copied as well, so the queue and the history read as before.
ALTER TABLE requests ADD COLUMN song_id INTEGER REFERENCES songs (id) ON DELETE SET NULL;
CREATE INDEX requests_song_id ON requests (session_id, song_id);
