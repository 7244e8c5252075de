package replica

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// Shipping pace: a batch holds at most DefaultBatchSize entries; an idle
// shipper wakes on a write and lets gather pass first, so that a burst of
// writes goes in one batch with one local confirmation (each is a write
// transaction that guests' writes would queue behind), and looks at the
// outbox every idlePoll anyway; a failure waits between minBackoff and
// maxBackoff, doubling, with jitter.
const (
	DefaultBatchSize = 500
	gather           = 100 * time.Millisecond
	idlePoll         = 5 * time.Second
	minBackoff       = time.Second
	maxBackoff       = time.Minute
)

// Shipper sends the outbox of a store to a remote, in order.
type Shipper struct {
	outbox *db.Outbox
	remote *Remote
	log    *slog.Logger
	// BatchSize is how many entries one request carries at most.
	BatchSize int

	migrations map[int]db.Migration
	known      []db.Migration
	// local is the migrations applied here, in the order they were; the
	// server does not migrate while it runs.
	local         []int
	synced        bool // the remote's position was checked since the last failure
	remoteApplied map[int]bool
}

// NewShipper returns a shipper from store to remote. The store must have
// been opened with db.Replication(true).
func NewShipper(ctx context.Context, store *db.Store, remote *Remote, log *slog.Logger) (*Shipper, error) {
	migrations, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	outbox := store.Outbox()
	local, err := outbox.AppliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	byVersion := map[int]db.Migration{}
	for _, m := range migrations {
		byVersion[m.Version] = m
	}
	return &Shipper{outbox: outbox, remote: remote, log: log, BatchSize: DefaultBatchSize,
		migrations: byVersion, known: migrations, local: local}, nil
}

// Run ships until ctx ends: whenever something is written, and again after
// a failure, backing off with jitter. A Turso outage of hours just grows the
// outbox; every failure is recorded for the status line.
func (s *Shipper) Run(ctx context.Context) {
	var backoff time.Duration
	for {
		err := s.ShipAll(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			wait := backoff/2 + rand.N(backoff/2+1)
			s.log.Warn("replication to Turso failed; the app carries on and will retry", "err", err, "retry_in", wait.Round(time.Millisecond))
			if rerr := s.outbox.RecordError(context.WithoutCancel(ctx), err.Error()); rerr != nil {
				s.log.Error("record replication error", "err", rerr)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			continue
		}
		if backoff > 0 {
			s.log.Info("replication to Turso caught up", "remote", s.remote.String())
			backoff = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-s.outbox.Changes():
			select {
			case <-ctx.Done():
				return
			case <-time.After(gather):
			}
		case <-time.After(idlePoll):
		}
	}
}

// ShipAll sends everything waiting in the outbox, batch by batch, and
// returns when the outbox is empty or a batch failed.
func (s *Shipper) ShipAll(ctx context.Context) error {
	if !s.synced {
		if err := s.sync(ctx); err != nil {
			return err
		}
		s.synced = true
	}
	for {
		b, err := s.outbox.NextBatch(ctx, s.BatchSize)
		if err != nil {
			return err
		}
		if len(b.Entries) == 0 {
			// Nothing older is waiting: the remote can take every migration.
			return s.migrateRemote(ctx, len(s.local))
		}
		if err := s.migrateRemote(ctx, b.Entries[0].SchemaStep); err != nil {
			return err
		}
		if err := s.remote.ship(ctx, b); err != nil {
			s.synced = false // whether it landed is read back from the remote
			// A batch is refused whole unless the remote is where this
			// database left it (b.Expect). Ask where it is: if it moved
			// (the batch landed but its answer was lost, or another database
			// wrote there, or it was emptied), find out why now, to carry on
			// or to say so plainly; if not, the batch itself failed.
			if pos, perr := s.remote.Position(ctx); perr != nil || pos == b.Expect {
				return err
			}
			if err := s.sync(ctx); err != nil {
				return err
			}
			s.synced = true
			continue
		}
		if err := s.outbox.Confirm(ctx, db.ReplicaPosition{Writer: b.Writer, Seq: b.Entries[len(b.Entries)-1].Seq}); err != nil {
			s.synced = false
			return err
		}
	}
}

// migrateRemote gives the remote the first step migrations applied here,
// in the same order, those it lacks: what the next changes were made with.
func (s *Shipper) migrateRemote(ctx context.Context, step int) error {
	step = min(step, len(s.local))
	for _, v := range s.local[step:] {
		if s.remoteApplied[v] {
			s.synced = false
			return fmt.Errorf("Turso already has migration %d, which was applied here after the changes waiting to be sent", v)
		}
	}
	var missing []db.Migration
	for _, v := range s.local[:step] {
		if !s.remoteApplied[v] {
			missing = append(missing, s.migrations[v])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := s.remote.migrate(ctx, missing); err != nil {
		s.synced = false
		return err
	}
	for _, m := range missing {
		s.remoteApplied[m.Version] = true
	}
	return nil
}

// sync reads where the remote is and squares it with the outbox: after a
// crash between the remote's commit and the local confirmation, the entries
// the remote has are confirmed now; a remote that is new, or whose history
// no longer matches this database's (one of them was restored from a
// backup), gets a full copy; a remote that another database writes to is
// refused.
func (s *Shipper) sync(ctx context.Context) error {
	rs, err := s.remote.state(ctx)
	if err != nil {
		return err
	}
	if unknown := unknownMigrations(rs.Applied, s.known); len(unknown) > 0 {
		return newerError(s.remote, unknown, "here, or point TURSO_DATABASE_URL at another database")
	}
	if !rs.Initialized {
		if len(rs.Applied) > 0 {
			return fmt.Errorf("the Turso database at %s has a karaoke schema but no replication record: point TURSO_DATABASE_URL at an empty database", s.remote)
		}
		if err := s.remote.initialize(ctx); err != nil {
			return err
		}
	}
	s.remoteApplied = rs.Applied
	b, err := s.outbox.NextBatch(ctx, 1)
	if err != nil {
		return err
	}
	switch {
	case rs.Pos == b.Expect:
		return nil
	case rs.Pos.Writer == b.Writer && rs.Pos.Seq > b.Expect.Seq && rs.Pos.Seq <= b.MaxSeq:
		s.log.Info("Turso had applied a batch whose confirmation was lost; confirming it now", "up_to", rs.Pos.Seq)
		return s.outbox.Confirm(ctx, rs.Pos)
	case rs.Pos.Writer == b.Writer || rs.Pos == (db.ReplicaPosition{}):
		s.log.Warn("Turso's copy does not follow on from this database (new, emptied, or one of them restored from a backup): sending a full copy",
			"turso_at", rs.Pos.Seq, "expected", b.Expect.Seq)
		return s.outbox.Reseed(ctx, rs.Pos)
	}
	return fmt.Errorf("the Turso database at %s is written by another karaoke database (%s, at change %d), and %w: "+
		"to carry on from that copy, restore it into an empty DATA_DIR (karaoke restore --from-turso); to keep this database, "+
		"point TURSO_DATABASE_URL at a new, empty Turso database", s.remote, rs.Pos.Writer, rs.Pos.Seq, ErrOtherWriter)
}
