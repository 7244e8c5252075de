package app

import (
	"context"

	"github.com/karaoke-night/karaoke/db"
)

// ShutdownTimeout is how long Run waits for requests in flight when it stops.
const ShutdownTimeout = shutdownTimeout

// ReplicationStatus is the store's replication status; tests poll it.
func (s *Server) ReplicationStatus(ctx context.Context) (db.OutboxStatus, error) {
	return s.store.Outbox().Status(ctx)
}
