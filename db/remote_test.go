package db_test

import (
	"context"
	"database/sql"
	"fmt"
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

// TestOneJoinCodePerOpenNightAcrossMachines makes two nights at the same
// moment on two machines (two stores on one sqld) whose join codes are
// forced to be the same: the unique index of open codes lets one through,
// and the other night is made with a fresh code, nothing of its first try
// kept.
func TestOneJoinCodePerOpenNightAcrossMachines(t *testing.T) {
	srv := sqldtest.Start(t)
	machines := []*db.Store{openRemote(t, srv.URL), openRemote(t, srv.URL)}
	const same = "ABCD"
	// The first two codes asked for are the same, and neither is given
	// until both are asked for: both machines insert with it at once.
	var mu sync.Mutex
	var given []string
	var bothAsked sync.WaitGroup
	bothAsked.Add(2)
	db.ForceJoinCodes(t, func() string {
		mu.Lock()
		code := same
		if len(given) >= 2 {
			code = db.NewJoinCode()
		}
		given = append(given, code)
		first := len(given) <= 2
		mu.Unlock()
		if first {
			bothAsked.Done()
			bothAsked.Wait()
		}
		return code
	})
	ctx := context.Background()
	made := make([]db.NewNight, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, s := range machines {
		// No one-time key: the night's INSERT is then the write's first
		// statement, sent with its BEGIN, so both codes are asked for
		// before either machine takes the write lock.
		wg.Go(func() {
			sess, key, err := s.CreateSessionIn(ctx, fmt.Sprintf("Night on %c", 'A'+i), "en")
			made[i], errs[i] = db.NewNight{Session: sess, HostKey: key}, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("machine %c: create a night: %v", 'A'+i, err)
		}
	}
	a, b := made[0].Session, made[1].Session
	t.Logf("codes given: %q; nights made with %s and %s", given, a.Code, b.Code)
	if a.Code == b.Code {
		t.Fatalf("both open nights have the join code %s", a.Code)
	}
	if a.Code != same && b.Code != same {
		t.Errorf("neither night has the code both were given first (%s): %s, %s", same, a.Code, b.Code)
	}
	if len(given) != 3 || (a.Code != given[2] && b.Code != given[2]) {
		t.Errorf("codes given %q: want the one night that lost to try one fresh code, and keep it", given)
	}
	if got := machines[0].CountRows(t, "sessions"); got != 2 {
		t.Errorf("%d nights on the server, want 2: a failed try left one behind, or a night is missing", got)
	}
	// Each machine finds each night by its code, and its host by its key.
	for _, s := range machines {
		for _, n := range made {
			got, err := s.SessionByCode(ctx, n.Session.Code)
			if err != nil || got.ID != n.Session.ID {
				t.Errorf("code %s finds night %d (%v), want %d", n.Session.Code, got.ID, err, n.Session.ID)
			}
			if err := s.CheckHost(ctx, n.Session.ID, n.HostKey); err != nil {
				t.Errorf("the host key of night %d: %v", n.Session.ID, err)
			}
		}
	}
}
