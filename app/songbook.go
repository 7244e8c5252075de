package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/songbook"
)

// ImportHouseSongbook imports the song list in file as a house songbook,
// which every new session gets, named name (or the file's name without its
// extension). It is safe beside a running server: the store writes in
// chunks, and the server's writes wait their turn (WAL, busy timeout).
// progress, when set, is told after each chunk.
func ImportHouseSongbook(ctx context.Context, cfg Config, file, name string, progress func(db.ImportProgress)) (db.Songbook, songbook.Report, error) {
	f, err := os.Open(file)
	if err != nil {
		return db.Songbook{}, songbook.Report{}, err
	}
	defer f.Close()
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	store, err := openOperatorStore(ctx, cfg)
	if err != nil {
		return db.Songbook{}, songbook.Report{}, err
	}
	defer store.Close()
	return store.ImportSongbook(ctx, db.SongbookImport{Name: name, Progress: progress}, f)
}

// Songbooks lists every songbook on the server, the operator's view.
func Songbooks(ctx context.Context, cfg Config) ([]db.Songbook, error) {
	store, err := openOperatorStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return store.AllSongbooks(ctx)
}

// RemoveSongbook removes a songbook, house or a host's; the sessions that
// had it have none.
func RemoveSongbook(ctx context.Context, cfg Config, id int64) error {
	store, err := openOperatorStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	return store.RemoveSongbook(ctx, id)
}

// openOperatorStore opens the store for a command beside the server, as
// Backup does.
func openOperatorStore(ctx context.Context, cfg Config) (*db.Store, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	return openStore(ctx, cfg)
}
