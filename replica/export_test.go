package replica

import (
	"context"

	"github.com/karaoke-night/karaoke/db"
)

// ShipForTest sends one batch without confirming it locally, as a shipper
// that dies right after the remote's commit would.
func ShipForTest(ctx context.Context, r *Remote, b db.OutboxBatch) error { return r.ship(ctx, b) }
