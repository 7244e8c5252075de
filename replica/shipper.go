package replica

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
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
	store  *db.Store
	remote *Remote
	log    *slog.Logger
	// BatchSize is how many entries one request carries at most.
	BatchSize int

	migrations    []db.Migration
	localVersion  int  // the local schema version; the server does not migrate while it runs
	synced        bool // the remote's position was checked since the last failure
	remoteVersion int
}

// NewShipper returns a shipper from store to remote. The store must have
// been opened with db.Replication(true).
func NewShipper(ctx context.Context, store *db.Store, remote *Remote, log *slog.Logger) (*Shipper, error) {
	migrations, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	version, err := store.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Shipper{store: store, remote: remote, log: log, BatchSize: DefaultBatchSize, migrations: migrations, localVersion: version}, nil
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
			if rerr := s.store.RecordReplicationError(context.WithoutCancel(ctx), err.Error()); rerr != nil {
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
		case <-s.store.Changes():
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
		b, err := s.store.NextReplicationBatch(ctx, s.BatchSize)
		if err != nil {
			return err
		}
		if len(b.Entries) == 0 {
			// Nothing older is waiting: the remote can take the newest schema.
			return s.migrateRemote(ctx, s.localVersion)
		}
		version := b.Entries[0].SchemaVersion
		if s.remoteVersion > version {
			s.synced = false
			return fmt.Errorf("Turso's schema (version %d) is ahead of the changes waiting (made at version %d)", s.remoteVersion, version)
		}
		if err := s.migrateRemote(ctx, version); err != nil {
			return err
		}
		if err := s.remote.ship(ctx, b); err != nil {
			s.synced = false // whether it landed is read back from the remote
			if !strings.Contains(err.Error(), "replication_source.last_seq") {
				return err
			}
			// The remote is not where this database left it: find out why
			// now, to carry on or to say so plainly.
			if err := s.sync(ctx); err != nil {
				return err
			}
			s.synced = true
			continue
		}
		if err := s.store.ConfirmShipped(ctx, db.ReplicaPosition{Writer: b.Writer, Seq: b.Entries[len(b.Entries)-1].Seq}); err != nil {
			s.synced = false
			return err
		}
	}
}

func (s *Shipper) migrateRemote(ctx context.Context, to int) error {
	if s.remoteVersion >= to {
		return nil
	}
	if err := s.remote.migrate(ctx, s.migrations, s.remoteVersion, to); err != nil {
		s.synced = false
		return err
	}
	s.remoteVersion = to
	return nil
}

// ErrNewerRemote is the start of the message when Turso's schema is newer
// than this program's.
const ErrNewerRemote = "Turso's schema is newer than this program's"

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
	if newest := s.migrations[len(s.migrations)-1].Version; rs.Version > newest {
		return fmt.Errorf("%s (version %d against %d) at %s: run a newer release of karaoke, or point TURSO_DATABASE_URL at another database",
			ErrNewerRemote, rs.Version, newest, s.remote)
	}
	if !rs.Initialized {
		if rs.Version > 0 {
			return fmt.Errorf("the Turso database at %s has a karaoke schema but no replication record: point TURSO_DATABASE_URL at an empty database", s.remote)
		}
		if err := s.remote.initialize(ctx); err != nil {
			return err
		}
	}
	s.remoteVersion = rs.Version
	b, err := s.store.NextReplicationBatch(ctx, 1)
	if err != nil {
		return err
	}
	switch {
	case rs.Pos == b.Expect:
		return nil
	case rs.Pos.Writer == b.Writer && rs.Pos.Seq > b.Expect.Seq && rs.Pos.Seq <= b.MaxSeq:
		s.log.Info("Turso had applied a batch whose confirmation was lost; confirming it now", "up_to", rs.Pos.Seq)
		return s.store.ConfirmShipped(ctx, rs.Pos)
	case rs.Pos.Writer == b.Writer || rs.Pos == (db.ReplicaPosition{}):
		s.log.Warn("Turso's copy does not follow on from this database (new, emptied, or one of them restored from a backup): sending a full copy",
			"turso_at", rs.Pos.Seq, "expected", b.Expect.Seq)
		return s.store.Reseed(ctx, rs.Pos)
	}
	return fmt.Errorf("the Turso database at %s is written by another karaoke database (%s, at change %d), and one machine writes to one Turso database: "+
		"to carry on from that copy, restore it into an empty DATA_DIR (karaoke restore --from-turso); to keep this database, "+
		"point TURSO_DATABASE_URL at a new, empty Turso database", s.remote, rs.Pos.Writer, rs.Pos.Seq)
}
