package db_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/tursodatabase/libsql-client-go/libsql"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/sqldtest"
)

// openRemote opens a store on the sqld at url, closed when the test ends.
func openRemote(t *testing.T, url string) *db.Store {
	t.Helper()
	s, err := db.OpenRemote(context.Background(), url, "")
	if err != nil {
		t.Fatalf("open the store on sqld: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appliedOnServer reads schema_migrations on the server itself.
func appliedOnServer(t *testing.T, url string) map[int]int64 {
	t.Helper()
	c, err := libsql.NewConnector(url)
	if err != nil {
		t.Fatal(err)
	}
	q := sql.OpenDB(c)
	defer q.Close()
	rows, err := q.Query(`SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var v int
		var at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		out[v] = at
	}
	return out
}

// TestMigrationsOnTheRemote runs the store's migrations on a real libSQL
// server through libsql-client-go, from two stores opening at the same
// moment (two machines starting together): both open, every migration is
// recorded once, and a later open applies none again.
func TestMigrationsOnTheRemote(t *testing.T) {
	srv := sqldtest.Start(t)
	migrations, err := db.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			s, err := db.OpenRemote(context.Background(), srv.URL, "")
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("machine %d: open on sqld: %v", i+1, err)
		}
	}
	applied := appliedOnServer(t, srv.URL)
	if len(applied) != len(migrations) {
		t.Fatalf("%d migrations recorded on the server, want %d: %v", len(applied), len(migrations), applied)
	}
	for _, m := range migrations {
		if _, ok := applied[m.Version]; !ok {
			t.Errorf("migration %s is not recorded", m.Name)
		}
	}
	store := openRemote(t, srv.URL)
	if got, want := appliedOnServer(t, srv.URL), applied; len(got) != len(want) {
		t.Errorf("a third open changed the record: %v, was %v", got, want)
	} else {
		for v, at := range want {
			if got[v] != at {
				t.Errorf("migration %d applied again at %d (first at %d)", v, got[v], at)
			}
		}
	}
	ctx := context.Background()
	if v, err := store.SchemaVersion(ctx); err != nil || v != migrations[len(migrations)-1].Version {
		t.Errorf("schema version = %d, %v; want %d", v, err, migrations[len(migrations)-1].Version)
	}
}
