package replica_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/replica"
)

// guestsWriting makes a session with 200 guests and returns a function that
// writes one guest's request, as BenchmarkWrite in package db does.
func guestsWriting(b *testing.B, store *db.Store) func(i int) {
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap)
	var guests []db.Guest
	for i := range 200 {
		g, err := store.JoinSession(ctx, sess.ID, signedDevice(b, store), fmt.Sprintf("g%d", i))
		if err != nil {
			b.Fatal(err)
		}
		guests = append(guests, g)
	}
	singing := db.NoTurn
	return func(i int) {
		g := guests[i%len(guests)]
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("song %d", i), AllowDuplicate: true}); err != nil {
			if db.ErrorCode(err) != db.ECONFLICT {
				b.Fatal(err)
			}
			// The cap is reached: a turn frees a slot.
			if r, ok, _ := store.StartNext(ctx, sess.ID, singing); ok {
				singing = r.ID
			}
		}
	}
}

// BenchmarkDrain measures how long the shipper takes to send 10,000 waiting
// changes to the local Turso server. BENCHMARKS.md has the figures; rerun
// with
//
//	go test ./replica -run '^$' -bench Drain -benchtime 3x
func BenchmarkDrain(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		server := tursotest.Start(b)
		remote, _ := replica.Open(server.URL, "")
		store, err := db.Open(ctx, "file:"+filepath.Join(b.TempDir(), "k.db"), db.Replication(true))
		if err != nil {
			b.Fatal(err)
		}
		shipper, _ := replica.NewShipper(ctx, store, remote, quiet)
		write := guestsWriting(b, store)
		for i := 0; ; i++ {
			if st, _ := store.Outbox().Status(ctx); st.Waiting >= 10000 {
				break
			}
			write(i)
		}
		st, _ := store.Outbox().Status(ctx)
		b.StartTimer()
		start := time.Now()
		if err := shipper.ShipAll(ctx); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(st.Waiting)/took.Seconds(), "changes/s")
		b.ReportMetric(took.Seconds(), "s/drain")
		store.Close()
		remote.Close()
		server.Stop()
		b.StartTimer()
	}
}

// BenchmarkWriteReplicated measures one guest's request (a whole write
// transaction) with replication off, and on with the shipper sending to the
// local Turso server as the writes happen: the difference is what
// replication adds to a write. Rerun with
//
//	go test ./replica -run '^$' -bench WriteReplicated -benchtime 2000x
func BenchmarkWriteReplicated(b *testing.B) {
	for _, mode := range []string{"off", "outbox-only", "shipping"} {
		on := mode != "off"
		b.Run("replication="+mode, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			store, err := db.Open(ctx, "file:"+filepath.Join(b.TempDir(), "k.db"), db.Replication(on))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			write := guestsWriting(b, store)
			done := make(chan struct{})
			if mode == "shipping" {
				server := tursotest.Start(b)
				remote, _ := replica.Open(server.URL, "")
				defer remote.Close()
				shipper, _ := replica.NewShipper(ctx, store, remote, quiet)
				go func() { shipper.Run(ctx); close(done) }()
			} else {
				close(done)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				write(i)
			}
			b.StopTimer()
			cancel()
			<-done
		})
	}
}
