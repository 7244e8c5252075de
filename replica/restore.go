package replica

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/karaoke-night/karaoke/db"
)

// Restored says what a restore brought back.
type Restored struct {
	Position   db.ReplicaPosition
	Migrations []int          // the migrations the copy had, which the restore applied first
	Rows       map[string]int // rows by table
}

// Restore fills a new local database at databaseURL from the remote copy:
// it creates the database at the copy's schema version, copies every
// replicated table page by page in one local transaction, and takes over
// the copy's position, so shipping carries on from there. Opening the
// database afterwards migrates it the rest of the way. It returns ErrNoCopy,
// and creates nothing, when the remote holds no copy. It refuses a copy whose
// schema is newer than this program's (a migration it does not know) with
// ErrNewerRemote.
func Restore(ctx context.Context, remote *Remote, databaseURL string) (*Restored, error) {
	rs, err := remote.state(ctx)
	if err != nil {
		return nil, err
	}
	if !rs.Initialized || len(rs.Applied) == 0 || rs.Pos.Seq == 0 {
		return nil, fmt.Errorf("Turso at %s holds %w", remote, ErrNoCopy)
	}
	migrations, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	if unknown := unknownMigrations(rs.Applied, migrations); len(unknown) > 0 {
		return nil, newerError(remote, unknown, "to restore from it")
	}
	applied := slices.Sorted(maps.Keys(rs.Applied))
	store, err := db.Open(ctx, databaseURL, db.OnlyMigrations(applied), db.Replication(false))
	if err != nil {
		return nil, err
	}
	rows, err := store.Outbox().Restore(ctx, remote)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("restore from Turso: %w", err)
	}
	return &Restored{Position: rs.Pos, Migrations: applied, Rows: rows}, nil
}

// Rows reads a table from the remote, page by page in key order.
func (r *Remote) Rows(ctx context.Context, t db.ReplicatedTable, fn func(page [][]any) error) error {
	return db.ReadTable(ctx, r.db, t, requestTimeout, fn)
}
