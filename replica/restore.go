package replica

import (
	"context"
	"fmt"

	"github.com/karaoke-night/karaoke/db"
)

// Restored says what a restore brought back.
type Restored struct {
	Position db.ReplicaPosition
	Version  int            // the schema version of the copy
	Rows     map[string]int // rows by table
}

// Restore fills a new local database at databaseURL from the remote copy:
// it creates the database at the copy's schema version, copies every
// replicated table page by page in one local transaction, and takes over
// the copy's position, so shipping carries on from there. Opening the
// database afterwards migrates it the rest of the way. It returns nil, and
// creates nothing, when the remote holds no copy. It refuses a copy whose
// schema is newer than this program's.
func Restore(ctx context.Context, remote *Remote, databaseURL string) (*Restored, error) {
	rs, err := remote.state(ctx)
	if err != nil {
		return nil, err
	}
	if !rs.Initialized || rs.Version == 0 || rs.Pos.Seq == 0 {
		return nil, nil
	}
	migrations, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	if newest := migrations[len(migrations)-1].Version; rs.Version > newest {
		return nil, fmt.Errorf("%s (version %d against %d) at %s: run a newer release of karaoke to restore from it",
			ErrNewerRemote, rs.Version, newest, remote)
	}
	store, err := db.Open(ctx, databaseURL, db.MigrateUpTo(rs.Version), db.Replication(false))
	if err != nil {
		return nil, err
	}
	rows, err := store.RestoreReplica(ctx, remote)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("restore from Turso: %w", err)
	}
	return &Restored{Position: rs.Pos, Version: rs.Version, Rows: rows}, nil
}
