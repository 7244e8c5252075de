package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

func openTestWriter(t *testing.T) *Writer {
	t.Helper()
	w, err := OpenWriter("file:" + filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.DB().Exec(`CREATE TABLE names (name TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWriteGroupKeepsEachWriteAllOrNothing commits three writes together,
// the middle one failing: the other two are kept, nothing of the middle one.
func TestWriteGroupKeepsEachWriteAllOrNothing(t *testing.T) {
	ctx := context.Background()
	w := openTestWriter(t)
	errRefused := errors.New("refused")
	insert := func(name string, fail bool) *writeJob {
		return &writeJob{ctx: ctx, done: make(chan error, 1), fn: func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO names (name) VALUES (?)`, name); err != nil {
				return err
			}
			if fail {
				return errRefused
			}
			return nil
		}}
	}
	group := []*writeJob{insert("first", false), insert("fails", true), insert("third", false)}
	w.commitGroup(group)
	for i, want := range []error{nil, errRefused, nil} {
		if err := <-group[i].done; !errors.Is(err, want) {
			t.Errorf("write %d: err = %v, want %v", i, err, want)
		}
	}
	names, err := Column[string](ctx, w.DB(), `SELECT name FROM names ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"first", "third"}; !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
	select {
	case <-w.Committed():
	default:
		t.Error("a commit did not tell Committed")
	}
}

// TestWriteThenTellsInCommitOrder: each write's then is called with its
// result, in the order the group ran, once the group has committed (what
// then reads is there) and before any write of the group is answered.
func TestWriteThenTellsInCommitOrder(t *testing.T) {
	ctx := context.Background()
	w := openTestWriter(t)
	errRefused := errors.New("refused")
	var told []string
	var group []*writeJob
	job := func(name string, fail bool) *writeJob {
		j := &writeJob{ctx: ctx, done: make(chan error, 1)}
		j.fn = func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO names (name) VALUES (?)`, name); err != nil || !fail {
				return err
			}
			return errRefused
		}
		j.then = func(err error) {
			var n int
			if qerr := w.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM names`).Scan(&n); qerr != nil {
				t.Error(qerr)
			}
			answered := 0
			for _, g := range group {
				answered += len(g.done)
			}
			told = append(told, fmt.Sprintf("%s %v %d rows, %d answered", name, err, n, answered))
		}
		return j
	}
	group = []*writeJob{job("first", false), job("fails", true), job("third", false)}
	w.commitGroup(group)
	want := []string{"first <nil> 2 rows, 0 answered", "fails refused 2 rows, 0 answered", "third <nil> 2 rows, 0 answered"}
	if !slices.Equal(told, want) {
		t.Errorf("told %q, want %q", told, want)
	}
}

// TestWriterClosed: a write after Close fails with ErrClosed.
func TestWriterClosed(t *testing.T) {
	ctx := context.Background()
	w := openTestWriter(t)
	if err := w.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO names (name) VALUES ('kept')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, func(*sql.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("a write after Close: %v, want ErrClosed", err)
	}
}
