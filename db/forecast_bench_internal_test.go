package db

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkReadRotation reads what placement reads (and each Night loads
// beside its queue) on a night of 40 singers, 240 songs sung and 60
// waiting.
//
//	go test ./db -run '^$' -bench ReadRotation -benchmem
func BenchmarkReadRotation(b *testing.B) {
	ctx := context.Background()
	s := OpenForTest(b, "file:"+filepath.Join(b.TempDir(), "karaoke.db"))
	sess, _, err := s.CreateSession(ctx, "Busy night")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SetSingerCap(ctx, sess.ID, 10); err != nil {
		b.Fatal(err)
	}
	guests := make([]int64, 40)
	for i := range guests {
		token, err := s.NewDeviceToken(ctx)
		if err != nil {
			b.Fatal(err)
		}
		g, err := s.JoinSession(ctx, sess.ID, token, fmt.Sprintf("Singer %d", i))
		if err != nil {
			b.Fatal(err)
		}
		guests[i] = g.ID
	}
	for i := range 300 {
		if _, err := s.CreateRequest(ctx, NewRequest{SessionID: sess.ID, GuestID: guests[i%40], Title: fmt.Sprint("Song ", i)}); err != nil {
			b.Fatal(err)
		}
		if i%5 < 4 {
			if _, _, err := s.StartNext(ctx, sess.ID, singingNow(b, s, sess.ID)); err != nil {
				b.Fatal(err)
			}
		}
	}
	n, err := s.Night(ctx, sess.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d waiting", len(n.Queue()))

	for _, bb := range []struct {
		name string
		read func(tx *sql.Tx) error
	}{
		{"read transaction alone", func(tx *sql.Tx) error { return nil }},
		{"rotation", func(tx *sql.Tx) error { _, err := readRotation(ctx, tx, sess.ID); return err }},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.inRead(ctx, bb.read); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func singingNow(b *testing.B, s *Store, sessionID int64) int64 {
	n, err := s.Night(context.Background(), sessionID)
	if err != nil {
		b.Fatal(err)
	}
	if n.NowSinging == nil {
		return NoTurn
	}
	return n.NowSinging.ID
}
