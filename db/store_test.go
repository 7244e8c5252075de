package db_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// clock is a settable clock for the store.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)} }
func openTestStore(t *testing.T) *db.Store {
	t.Helper()
	return db.OpenForTest(t, "file:"+filepath.Join(t.TempDir(), "karaoke.db"))
}

func TestPragmasInForce(t *testing.T) {
	db.LocalOnly(t, "its pragmas")
	store := openTestStore(t)
	got, err := store.Pragmas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000",
		"temp_store": "2", "cache_size": "-32768"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("PRAGMA %s = %q, want %q", name, got[name], w)
		}
	}
}

func TestMigrationsRecordedAndIdempotent(t *testing.T) {
	path := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	ctx := context.Background()
	migrations, err := db.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second open finds everything applied
		store, err := db.Open(ctx, path)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		got, err := store.SchemaVersion(ctx)
		store.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := migrations[len(migrations)-1].Version; got != want {
			t.Errorf("schema version = %d, want %d", got, want)
		}
	}
}

func TestCreateSessionAndHostKey(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, key, err := store.CreateSession(ctx, "  Friday\tnight  ")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sess.Name, "Friday night"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if _, ok := db.ParseJoinCode(sess.Code); !ok {
		t.Errorf("join code %q is not a valid code", sess.Code)
	}
	if len(key) < 22 { // 128 bits in base64
		t.Errorf("host key %q is too short", key)
	}
	if err := store.CheckHost(ctx, sess.ID, key); err != nil {
		t.Errorf("CheckHost with the key: %v", err)
	}
	for _, wrong := range []string{"", "x", key + "x"} {
		if got := db.ErrorCode(store.CheckHost(ctx, sess.ID, wrong)); got != db.EFORBIDDEN {
			t.Errorf("CheckHost(%q) code = %q, want forbidden", wrong, got)
		}
	}
	byCode, err := store.SessionByCode(ctx, strings.ToLower(sess.Code))
	if err != nil || byCode.ID != sess.ID {
		t.Errorf("SessionByCode(lower-case code) = %v, %v", byCode.ID, err)
	}
	if err := store.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	ended, err := store.SessionByCode(ctx, sess.Code)
	if err != nil || ended.ID != sess.ID || ended.Open() {
		t.Errorf("SessionByCode after end = %+v, %v; want the ended session", ended, err)
	}
	if _, err := store.SessionByCode(ctx, "0OIL"); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("look-alike code: %v, want not found", err)
	}
}

func TestCreateSessionValidation(t *testing.T) {
	store := openTestStore(t)
	for _, name := range []string{"", "   ", "\x00\x01", strings.Repeat("x", db.MaxSessionName+1)} {
		_, _, err := store.CreateSession(context.Background(), name)
		if db.ErrorCode(err) != db.EINVALID || db.ErrorField(err) != "name" {
			t.Errorf("CreateSession(%q) error = %v, want invalid name", name, err)
		}
	}
}

func TestJoinCodesUniqueAmongOpenSessions(t *testing.T) {
	store := openTestStore(t)
	seen := map[string]bool{}
	for range 300 {
		sess, _, err := store.CreateSession(context.Background(), "night")
		if err != nil {
			t.Fatal(err)
		}
		if seen[sess.Code] {
			t.Fatalf("join code %s given to two open sessions", sess.Code)
		}
		seen[sess.Code] = true
	}
}

func TestSameNameGuestsAreToldApart(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, _, _ := store.CreateSession(ctx, "night")
	var names []string
	for i, name := range []string{"John", "john ", "Mary", "JOHN"} {
		g, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), name)
		if err != nil {
			t.Fatalf("join %d: %v", i, err)
		}
		names = append(names, g.DisplayName())
	}
	if got, want := strings.Join(names, ","), "John,john (2),Mary,JOHN (3)"; got != want {
		t.Errorf("display names = %s, want %s", got, want)
	}
	// The same device joining again is the same guest.
	device := db.SignedDevice(t, store)
	first, _ := store.JoinSession(ctx, sess.ID, device, "Ann")
	again, err := store.JoinSession(ctx, sess.ID, device, "Annie")
	if err != nil || again.ID != first.ID || again.Name != "Annie" {
		t.Errorf("rejoin = %+v, %v; want guest %d renamed Annie", again, err, first.ID)
	}
	if _, err := store.GuestByDevice(ctx, sess.ID, db.NewToken()); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("unknown device: %v, want not found", err)
	}
}

// TestNightSeesWritesOfAnotherProcess: a Night kept from before is never
// served once another store on the same file (another process) has written.
func TestNightSeesWritesOfAnotherProcess(t *testing.T) {
	ctx := context.Background()
	path := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	a, b := db.OpenForTest(t, path), db.OpenForTest(t, path)
	sess, _, _ := a.CreateSession(ctx, "two processes")
	g, _ := a.JoinSession(ctx, sess.ID, db.SignedDevice(t, a), "Ann")
	for i, title := range []string{"first", "second"} {
		if _, err := b.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
		n, err := a.Night(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Queue()) != i+1 {
			t.Fatalf("after %d requests by the other store, the queue has %d", i+1, len(n.Queue()))
		}
		again, _ := a.Night(ctx, sess.ID) // unchanged: the kept Night
		if len(again.Queue()) != i+1 || again.Session.Version != n.Session.Version {
			t.Errorf("a second read without a write differs: %d songs, version %d", len(again.Queue()), again.Session.Version)
		}
	}
	if err := b.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Night(ctx, sess.ID); n.Session.Open() {
		t.Error("the other store ended the session, but the Night still shows it open")
	}
}
