package db_test

import (
	"context"
	"testing"
)

// TestSessionIDsTellNothing opens sessions one after another, as a stranger
// would to read the server's count off the next id: the ids are positive,
// distinct, far from small, and neither count up nor follow each other.
func TestSessionIDsTellNothing(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	const n = 200
	seen := map[int64]bool{}
	var prev int64
	increasing, adjacent := 0, 0
	for i := range n {
		sess, _, err := store.CreateSession(ctx, "night")
		if err != nil {
			t.Fatal(err)
		}
		id := sess.ID
		if id <= 1<<32 {
			t.Errorf("session %d has id %d: small enough to count", i, id)
		}
		if seen[id] {
			t.Errorf("id %d given twice", id)
		}
		seen[id] = true
		if i > 0 && id > prev {
			increasing++
		}
		if i > 0 && (id-prev == 1 || prev-id == 1) {
			adjacent++
		}
		if got, err := store.Session(ctx, id); err != nil || got.ID != id {
			t.Errorf("session %d: %v", id, err)
		}
		prev = id
	}
	// A random order goes up about half the time; counting up, every time.
	if increasing > n*3/4 || increasing < n/4 || adjacent > 0 {
		t.Errorf("of %d ids in a row, %d went up and %d were next to the one before: they follow each other", n, increasing, adjacent)
	}
	t.Logf("%d sessions: %d distinct ids, %d went up from the one before", n, len(seen), increasing)
}
