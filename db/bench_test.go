package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// BenchmarkWrite measures one guest's request, a whole write transaction,
// with the durability the app runs with (synchronous=FULL: fsync at every
// commit) against NORMAL (fsync at checkpoints only). BENCHMARKS.md has the
// figures; rerun with
//
//	go test ./db -run '^$' -bench Write -benchtime 2000x
func BenchmarkWrite(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			ctx := context.Background()
			store := db.OpenForTest(b, "file:"+filepath.Join(b.TempDir(), "k.db")+"?_synchronous="+sync)
			if p, _ := store.Pragmas(ctx); p["synchronous"] != map[string]string{"FULL": "2", "NORMAL": "1"}[sync] {
				b.Fatalf("synchronous is %s, not %s", p["synchronous"], sync)
			}
			sess, _, _ := store.CreateSession(ctx, "bench")
			store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap)
			var guests []db.Guest
			for i := range 200 {
				g, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(b, store), fmt.Sprintf("g%d", i))
				if err != nil {
					b.Fatal(err)
				}
				guests = append(guests, g)
			}
			b.ResetTimer()
			singing := db.NoTurn
			for i := 0; b.Loop(); i++ {
				g := guests[i%len(guests)]
				if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("song %d", i), AllowDuplicate: true}); err != nil {
					// The cap is reached: a turn frees a slot, as in a real night.
					if db.ErrorCode(err) != db.ECONFLICT {
						b.Fatal(err)
					}
					if r, ok, _ := store.StartNext(ctx, sess.ID, singing); ok {
						singing = r.ID
					}
				}
			}
		})
	}
}
