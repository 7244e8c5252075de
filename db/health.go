package db

import (
	"context"
	"database/sql"
	"fmt"
)

// ProbeWrite commits a write that changes nothing a reader can see: it sets
// the database header's user_version (which the app does not use) to the
// value it already has, which still rewrites the header page through the
// write-ahead log. It fails when the database cannot take a write (a full
// disk, a read-only file system, a lock held elsewhere), so /healthz can say
// so while reads still work.
//
// A libSQL server (remote mode) refuses that PRAGMA: there the probe
// rewrites the newest migration's record as it is, a write no page reads.
func (s *Store) ProbeWrite(ctx context.Context) error {
	if s.remote {
		return s.inWrite(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET name = name WHERE version = (SELECT MAX(version) FROM schema_migrations)`)
			return err
		})
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("write probe: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
			return fmt.Errorf("write probe: %w", err)
		}
		return nil
	})
}
