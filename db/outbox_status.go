package db

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// OutboxStatus is how replication is doing, for the host's dashboard and
// `karaoke status`.
type OutboxStatus struct {
	Enabled     bool
	Waiting     int       // outbox entries not yet confirmed by the remote
	Oldest      time.Time // when the oldest of them was made; zero when none
	ShippedSeq  int64
	LastSuccess time.Time // zero when never
	LastError   string
	LastErrorAt time.Time
}

// Status returns the replication status. A database that does not
// replicate answers Enabled false.
func (o *Outbox) Status(ctx context.Context) (OutboxStatus, error) {
	var st OutboxStatus
	err := o.s.inRead(ctx, func(tx *sql.Tx) error {
		if _, ok, err := readState(ctx, tx); err != nil || !ok {
			return err
		}
		var success, errorAt, oldest sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT enabled, shipped_seq, last_success_at, last_error, last_error_at,
				(SELECT COUNT(*) FROM replication_outbox), (SELECT MIN(created_at) FROM replication_outbox)
			FROM replication_state WHERE id = 1`).
			Scan(&st.Enabled, &st.ShippedSeq, &success, &st.LastError, &errorAt, &st.Waiting, &oldest)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if success.Valid {
			st.LastSuccess = fromMillis(success.Int64)
		}
		if errorAt.Valid {
			st.LastErrorAt = fromMillis(errorAt.Int64)
		}
		if oldest.Valid {
			st.Oldest = fromMillis(oldest.Int64)
		}
		return nil
	})
	return st, err
}
