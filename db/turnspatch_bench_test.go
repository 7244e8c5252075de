package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// BenchmarkStartNext measures the host's Start next and the Night read
// after it (what every page and stream then shows) with 100, 2,000 and
// 10,000 songs waiting: "patched" as the store runs it, and "read again"
// with the kept Night dropped after the write, which is what Start next
// cost before it patched the Night, the baseline of the same run. Each
// loop first puts a song back in the queue (untimed), so its length holds.
//
//	go test ./db -run '^$' -bench StartNext -benchtime 200x
func BenchmarkStartNext(b *testing.B) {
	for _, waiting := range []int{100, 2000, 10000} {
		ctx := context.Background()
		store := db.OpenForTest(b, "file:"+filepath.Join(b.TempDir(), "k.db"))
		sess := queueOf(b, store, waiting)
		for _, mode := range []string{"read again", "patched"} {
			b.Run(fmt.Sprintf("waiting=%d/%s", waiting, mode), func(b *testing.B) {
				night, err := store.Night(ctx, sess)
				if err != nil {
					b.Fatal(err)
				}
				singing := db.NoTurn
				if night.NowSinging != nil {
					singing = night.NowSinging.ID
				}
				for i := 0; b.Loop(); i++ {
					r, ok, err := store.StartNext(ctx, sess, singing)
					if err != nil || !ok {
						b.Fatalf("start next: %v (started %v)", err, ok)
					}
					singing = r.ID
					if mode == "read again" {
						store.ForgetNight(sess)
					}
					if n, err := store.Night(ctx, sess); err != nil || n.QueueLen() != waiting-1 {
						b.Fatalf("night: %v, %d waiting", err, n.QueueLen())
					}
					b.StopTimer()
					if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess, GuestID: r.GuestID,
						Title: fmt.Sprint("again ", mode, i), AllowDuplicate: true}); err != nil {
						b.Fatal(err)
					}
					if _, err := store.Night(ctx, sess); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		}
	}
}

// queueOf makes a session of waiting songs, 20 a guest (the most a guest
// may have), requested by 8 guests at a time so that the writes commit in
// groups.
func queueOf(b *testing.B, store *db.Store, waiting int) int64 {
	b.Helper()
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "busy night")
	if err != nil {
		b.Fatal(err)
	}
	if err := store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap); err != nil {
		b.Fatal(err)
	}
	guests := (waiting + db.MaxSingerCap - 1) / db.MaxSingerCap
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for g := w; g < guests; g += 8 {
				guest, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(b, store), fmt.Sprint("singer ", g))
				if err != nil {
					errs <- err
					return
				}
				for k := range min(db.MaxSingerCap, waiting-g*db.MaxSingerCap) {
					if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: guest.ID, Title: fmt.Sprint("song ", g, " ", k)}); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return sess.ID
}
