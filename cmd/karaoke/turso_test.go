package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/tursotest"
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
	var acked []string
	for round, delay := range []time.Duration{3 * time.Millisecond, 17 * time.Millisecond, 41 * time.Millisecond, 97 * time.Millisecond} {
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for i, phone := range phones {
			wg.Go(func() {
				for n := 0; n < 4; n++ { // under the singer cap of 20 across rounds
					select {
					case <-stop:
						return
					default:
					}
					title := fmt.Sprintf("r%d-g%d-%d", round, i, n)
					status, _, err := phone.post(srv.base, "/j/"+code+"/requests", url.Values{"title": {title}})
					if err != nil {
						return
					}
					if status == http.StatusSeeOther {
						mu.Lock()
						acked = append(acked, title)
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(delay)
		srv.cmd.Process.Kill()
		<-srv.done
		close(stop)
		wg.Wait()
		srv = startServer(t, dataDir, env...)
	}
	if len(acked) == 0 {
		t.Fatal("no request was acknowledged: the test proved nothing")
	}

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
	deadline := time.Now().Add(within)
	for {
		out, err := commandEnv(dataDir, env, "status")
		if err != nil {
			t.Fatalf("karaoke status: %v\n%s", err, out)
		}
		if strings.Contains(out, want) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("karaoke status never said %q:\n%s", want, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// commandEnv runs the binary with a subcommand on dataDir, with env added.
func commandEnv(dataDir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "DATA_DIR="+dataDir), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
