package replica_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/replica"
)

func TestChangesArriveInOrder(t *testing.T) {
	s := newSetup(t)
	s.shipper.BatchSize = 3 // many batches, each applied in turn
	night(t, s.store)
	s.ship()
	same(t, s.dbURL, s.server.URL)
	st, _ := s.store.Outbox().Status(context.Background())
	if st.Waiting != 0 || st.LastSuccess.IsZero() {
		t.Errorf("after shipping: %+v", st)
	}
	if got := remoteInt(t, s.server.URL, `SELECT last_seq FROM replication_source`); got != st.ShippedSeq || got == 0 {
		t.Errorf("remote last_seq = %d, local shipped = %d", got, st.ShippedSeq)
	}
	if got := remoteInt(t, s.server.URL, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger' OR name LIKE 'replication_outbox%'`); got != 0 {
		t.Errorf("the remote got %d pieces of local machinery", got)
	}
	if got := remoteInt(t, s.server.URL, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'requests_queue'`); got != 1 {
		t.Error("the remote has not got the migrations' indexes")
	}
}

// TestFailedBatchIsRetriedAndAppliedOnce: a batch the remote rejects
// half-way leaves nothing behind there and stays in the outbox; once the
// remote takes it, it is applied, and sending it again changes nothing.
func TestFailedBatchIsRetriedAndAppliedOnce(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	sess := night(t, s.store)
	s.ship()
	before := remoteInt(t, s.server.URL, `SELECT last_seq FROM replication_source`)

	// The remote refuses a second request with the same title: the batch
	// below fails at its third statement, after two that worked.
	remote := tursotest.Open(t, s.server.URL)
	if _, err := remote.Exec(`CREATE UNIQUE INDEX test_one_title ON requests (title)`); err != nil {
		t.Fatal(err)
	}
	g, _ := s.store.JoinSession(ctx, sess.ID, signedDevice(t, s.store), "Cat")
	for _, title := range []string{"Twice", "Twice"} {
		if _, err := s.store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: title, AllowDuplicate: true}); err != nil {
			t.Fatal(err)
		}
	}
	pending, _ := s.store.Outbox().NextBatch(ctx, 100)
	err := s.shipper.ShipAll(ctx)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("shipping into the refusing remote: %v", err)
	}
	if got := remoteInt(t, s.server.URL, `SELECT COUNT(*) FROM guests WHERE name = 'Cat'`); got != 0 {
		t.Error("the failed batch left its first statements on the remote")
	}
	if got := remoteInt(t, s.server.URL, `SELECT last_seq FROM replication_source`); got != before {
		t.Errorf("the failed batch moved the remote's position from %d to %d", before, got)
	}
	if st, _ := s.store.Outbox().Status(ctx); st.Waiting != len(pending.Entries) {
		t.Errorf("after the failure %d entries wait, want %d", st.Waiting, len(pending.Entries))
	}

	if _, err := remote.Exec(`DROP INDEX test_one_title`); err != nil {
		t.Fatal(err)
	}
	s.ship()
	same(t, s.dbURL, s.server.URL)

	// The same batch again, as after a lost confirmation: the remote is past
	// it, so it is refused whole.
	err = replica.ShipForTest(ctx, s.remote, pending)
	if err == nil || !strings.Contains(err.Error(), "NOT NULL") {
		t.Fatalf("sending an applied batch again: %v", err)
	}
	same(t, s.dbURL, s.server.URL)
}

// TestLostConfirmation: the remote committed a batch but the app died before
// it noted so. The next shipper sees the remote's position, confirms, and
// sends nothing twice.
func TestLostConfirmation(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	sess := night(t, s.store)
	s.ship()
	s.store.EndSession(ctx, sess.ID)
	b, _ := s.store.Outbox().NextBatch(ctx, 1000)
	if err := replica.ShipForTest(ctx, s.remote, b); err != nil {
		t.Fatal(err)
	}
	_, again := openStoreOn(t, s.store, s.remote)
	if err := again.ShipAll(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.store.Outbox().Status(ctx); st.Waiting != 0 || st.ShippedSeq != b.Entries[len(b.Entries)-1].Seq {
		t.Errorf("status after confirming = %+v", st)
	}
	same(t, s.dbURL, s.server.URL)
}

func openStoreOn(t *testing.T, store *db.Store, remote *replica.Remote) (*db.Store, *replica.Shipper) {
	sh, err := replica.NewShipper(context.Background(), store, remote, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return store, sh
}

func TestNewerRemoteSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	night(t, s.store)
	s.ship()
	if _, err := tursotest.Open(t, s.server.URL).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	_, sh := openStoreOn(t, s.store, s.remote)
	err := sh.ShipAll(ctx)
	// The message tells the operator what to do.
	if !errors.Is(err, replica.ErrNewerRemote) || !strings.Contains(err.Error(), "run a newer release") {
		t.Errorf("shipping to a newer remote: %v", err)
	}
	_, err = replica.Restore(ctx, s.remote, "file:"+filepath.Join(t.TempDir(), "new.db"))
	if !errors.Is(err, replica.ErrNewerRemote) {
		t.Errorf("restoring from a newer remote: %v", err)
	}
}

// TestRestoreAndTakeOver: a new database restored from the remote holds
// every row; it ships on from there, and the machine it replaced, should it
// come back, is refused.
func TestRestoreAndTakeOver(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	s.shipper.BatchSize = 2
	sess := night(t, s.store)
	s.ship()

	newURL := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	restored, err := replica.Restore(ctx, s.remote, newURL)
	if err != nil {
		t.Fatal(err)
	}
	if restored == nil || restored.Rows["requests"] != 5 || restored.Rows["guests"] != 2 || restored.Rows["sessions"] != 1 {
		t.Fatalf("restored %+v", restored)
	}
	local := tursotest.Dump(t, tursotest.Open(t, s.dbURL), appTables...)
	if got := tursotest.Dump(t, tursotest.Open(t, newURL), appTables...); !reflect.DeepEqual(got, local) {
		t.Fatalf("restored rows differ:\n%v\n%v", got, local)
	}

	store2, sh2 := openStore(t, newURL, s.remote)
	// The device key came back with the rows: phones' cookies still verify.
	if token := signedDevice(t, s.store); !store2.DeviceTokenSigned(ctx, token) {
		t.Error("a device token signed before the restore does not verify after it")
	}
	if st, _ := store2.Outbox().Status(ctx); st.Waiting != 0 {
		t.Errorf("a restored database queues %d entries, want none", st.Waiting)
	}
	store2.EndSession(ctx, sess.ID)
	if err := sh2.ShipAll(ctx); err != nil {
		t.Fatal(err)
	}
	same(t, newURL, s.server.URL)

	s.store.SetRequestsPaused(ctx, sess.ID, true)
	err = s.shipper.ShipAll(ctx)
	if !errors.Is(err, replica.ErrOtherWriter) {
		t.Errorf("the replaced machine shipping again: %v", err)
	}
	same(t, newURL, s.server.URL)

	emptyDB := filepath.Join(t.TempDir(), "x.db")
	if r, err := replica.Restore(ctx, openRemote(t, tursotest.Start(t).URL), "file:"+emptyDB); r != nil || !errors.Is(err, replica.ErrNoCopy) {
		t.Errorf("restoring from an empty remote: %+v, %v; want ErrNoCopy", r, err)
	}
	if _, err := os.Stat(emptyDB); !os.IsNotExist(err) {
		t.Errorf("restoring from an empty remote made a database: %v", err)
	}
}

// TestTurningReplicationOnSendsEverything: a database that ran without
// replication gets a full copy when it is turned on, and again after it was
// off for a while.
func TestTurningReplicationOnSendsEverything(t *testing.T) {
	ctx := context.Background()
	server := tursotest.Start(t)
	remote := openRemote(t, server.URL)
	dbURL := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	plain, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	night(t, plain)
	plain.Close()
	for round := range 2 {
		store, sh := openStore(t, dbURL, remote)
		if round == 1 {
			night(t, store)
		}
		if err := sh.ShipAll(ctx); err != nil {
			t.Fatal(err)
		}
		same(t, dbURL, server.URL)
		store.Close()
		off, err := db.Open(ctx, dbURL, db.Replication(false))
		if err != nil {
			t.Fatal(err)
		}
		night(t, off)
		off.Close()
	}
}

// TestMigrationsReachTheRemoteInStep: a database that got migration 2 late
// (after 3, as when a branch is merged late) ships the changes made before
// it, then migration 2, then the changes made after, so the remote applies
// each change to the schema it was made with.
func TestMigrationsReachTheRemoteInStep(t *testing.T) {
	ctx := context.Background()
	server := tursotest.Start(t)
	remote := openRemote(t, server.URL)
	dbURL := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	all, _ := db.Migrations()
	if len(all) < 3 {
		t.Fatal("this test needs three migrations")
	}
	early, err := db.Open(ctx, dbURL, db.Replication(true), db.OnlyMigrations([]int{all[0].Version, all[2].Version}))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", strings.TrimPrefix(dbURL, "file:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	insert := func(name string) {
		if _, err := raw.Exec(`INSERT INTO sessions (name, code, host_secret_hash, created_at) VALUES (?, ?, x'00', 1)`, name, name[:4]); err != nil {
			t.Fatal(err)
		}
	}
	insert("SHIPPED EARLY")
	sh, _ := replica.NewShipper(ctx, early, remote, quiet)
	if err := sh.ShipAll(ctx); err != nil {
		t.Fatal(err)
	}
	insert("WAITING WHILE 2 ARRIVES")
	early.Close()

	store, sh := openStore(t, dbURL, remote) // applies migration 2 now
	sess, _, err := store.CreateSession(ctx, "After")
	if err != nil {
		t.Fatal(err)
	}
	store.SetSingerCap(ctx, sess.ID, 5)
	if err := sh.ShipAll(ctx); err != nil {
		t.Fatal(err)
	}
	same(t, dbURL, server.URL)
	var n int
	tursotest.Open(t, server.URL).QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	if n != len(all) {
		t.Errorf("the remote has %d migrations, want %d", n, len(all))
	}
}
