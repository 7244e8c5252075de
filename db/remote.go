package db

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/libsqldb"
)

// OpenRemote opens the store on a remote libSQL database (Turso, or sqld:
// see libsqldb.Open for the URLs), which every machine of the app reads and
// writes, and brings its schema up to date. The migrations are the same;
// each is applied in a write transaction that first checks it is not yet
// recorded, so machines starting together apply it once. The tables named
// local_* (the song search index, the repeat keys) live there too, shared
// by every machine, and nothing is replicated: the remote is the primary.
func OpenRemote(ctx context.Context, databaseURL, authToken string) (*Store, error) {
	pool, err := libsqldb.Open(databaseURL, authToken)
	if err != nil {
		return nil, err
	}
	s := &Store{url: libsqldb.Redact(databaseURL), writer: libsqldb.NewWriter(pool), read: pool, remote: true, Now: time.Now}
	if err := s.setUp(ctx, options{replication: replicationOff}); err != nil {
		pool.Close()
		return nil, fmt.Errorf("remote database %s: %w", s.url, err)
	}
	return s, nil
}

// Remote reports whether the store is on a remote database (OpenRemote).
func (s *Store) Remote() bool { return s.remote }

// Unavailable reports whether err is the remote database being out of
// reach (down, or the network to it), rather than anything a request did:
// pages then answer 503 and try again later.
func Unavailable(err error) bool { return errors.Is(err, libsqldb.ErrUnreachable) }

// readAhead marks ctx for a read transaction that, in remote mode, sends
// with its first statement what the last such read of the same thing asked
// (libsqldb.ReadAhead): a Night's many small queries in one round trip.
func readAhead(ctx context.Context, what string, id int64) context.Context {
	return libsqldb.ReadAhead(ctx, what+" "+strconv.FormatInt(id, 10))
}

type writeAheadKey struct{}

// writeAhead marks ctx, in remote mode, for a write transaction that reads
// ahead (libsqldb.ReadAhead): its first request carries what the last run
// of the same write (the same code, fn) on the same session read before it
// wrote, which the write lock, held from BEGIN, keeps true until it writes.
// The outermost helper names the write: a key already set is kept. A
// write that reads a guest's own rows names the guest too (more), so that
// what it reads ahead is what that guest's last such write read.
func (s *Store) writeAhead(ctx context.Context, fn any, sessionID int64, more ...int64) context.Context {
	if !s.remote || ctx.Value(writeAheadKey{}) != nil {
		return ctx
	}
	key := fmt.Sprintf("write %x %d", reflect.ValueOf(fn).Pointer(), sessionID)
	for _, id := range more {
		key += "/" + strconv.FormatInt(id, 10)
	}
	return context.WithValue(libsqldb.ReadAhead(ctx, key), writeAheadKey{}, true)
}
