package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/internal/wait"
)

var appTables = []string{"sessions", "guests", "requests"}

// TestKillNineWhileShipping kills the server with SIGKILL while guests write
// and the shipper sends to Turso, four times. After the last restart has
// caught up, Turso holds exactly the local rows: nothing lost, nothing
// twice, every acknowledged request there. Then `karaoke restore
// --from-turso` fills a new DATA_DIR with the same rows, and `karaoke
// status` tells the lag.
func TestKillNineWhileShipping(t *testing.T) {
	turso := tursotest.Start(t)
	env := []string{"TURSO_DATABASE_URL=" + turso.URL}
	dataDir := t.TempDir()
	srv := startServer(t, dataDir, env...)
	_, _, code, phones := night(t, srv.base, "Ann", "Bob", "Cat", "Dan")
	srv, acked := killWhileWriting(t, srv, dataDir, env, code, phones, 3*time.Millisecond, 17*time.Millisecond, 41*time.Millisecond, 97*time.Millisecond)

	out := waitForStatus(t, dataDir, env, "waiting:      nothing", 60*time.Second)
	for _, want := range []string{"replication:  on", "last success: 20", "has up to change"} {
		if !strings.Contains(out, want) {
			t.Errorf("karaoke status lacks %q:\n%s", want, out)
		}
	}
	if exit, _ := srv.stop(syscall.SIGTERM); exit != 0 {
		t.Fatalf("stop: exit %d\n%s", exit, srv.log())
	}
	local := tursotest.Dump(t, tursotest.Open(t, "file:"+filepath.Join(dataDir, "karaoke.db")), appTables...)
	remote := tursotest.Dump(t, tursotest.Open(t, turso.URL), appTables...)
	if !reflect.DeepEqual(local, remote) {
		t.Fatalf("after kill -9 and catching up, Turso differs:\nlocal:  %v\nremote: %v", local, remote)
	}
	inTurso := strings.Join(remote["requests"], "\n")
	for _, title := range acked {
		if !strings.Contains(inTurso, `"`+title+`"`) {
			t.Errorf("acknowledged request %s is not in Turso", title)
		}
	}
	t.Logf("%d acknowledged requests, %d rows of requests in both after 4 kills", len(acked), len(remote["requests"]))

	fresh := t.TempDir()
	out2, err := commandEnv(fresh, env, "restore", "--from-turso")
	if err != nil {
		t.Fatalf("restore --from-turso: %v\n%s", err, out2)
	}
	if !strings.Contains(out2, fmt.Sprintf("requests: %d rows", len(remote["requests"]))) {
		t.Errorf("restore --from-turso says:\n%s", out2)
	}
	if got := tursotest.Dump(t, tursotest.Open(t, "file:"+filepath.Join(fresh, "karaoke.db")), appTables...); !reflect.DeepEqual(got, local) {
		t.Errorf("restore --from-turso rows differ")
	}
	if out, err := commandEnv(fresh, env, "restore", "--from-turso"); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("restore --from-turso into a DATA_DIR with a database: %v\n%s", err, out)
	}
}

// waitForStatus runs `karaoke status` until its output holds want.
func waitForStatus(t *testing.T, dataDir string, env []string, want string, within time.Duration) string {
	t.Helper()
	var out strings.Builder // what it said last
	wait.Eventually(t, within, func() bool {
		said, err := commandEnv(dataDir, env, "status")
		if err != nil {
			t.Fatalf("karaoke status: %v\n%s", err, said)
		}
		out.Reset()
		out.WriteString(said)
		return strings.Contains(said, want)
	}, "karaoke status never said %q; last it said:\n%s", want, &out)
	return out.String()
}
