package handlers_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/internal/wait"
)

// TestClientGivingUpMidBodyIsNoError is the slow-body client that gives up:
// each request promises a body, sends part of it and closes the connection.
// The server has nobody to answer and nothing went wrong on its side, so
// the log has no ERROR line, only a debug line for each.
func TestClientGivingUpMidBodyIsNoError(t *testing.T) {
	var logs lockedBuffer
	app := newTestAppWith(t, handlers.Config{
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	_, dash, code := app.hostNight()
	addr := strings.TrimPrefix(app.server.URL, "http://")
	probes := 0
	for _, path := range []string{"/sessions", "/j/" + code + "/join", "/j/" + code + "/requests", dash + "/next"} {
		for _, body := range []struct{ contentType, start string }{
			{"application/x-www-form-urlencoded", "name=Ann&title=Hal"},
			{"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAn"},
		} {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 5000\r\n\r\n%s",
				path, addr, body.contentType, body.start)
			// What was sent stays readable after the close: the server reads
			// the head, starts on the body and finds the client gone.
			conn.Close()
			probes++
		}
	}
	// Each probe reaches a handler mid-body and leaves one line (else this
	// test would prove nothing): wait for them all.
	wait.Eventually(t, 10*time.Second, func() bool { return strings.Count(logs.String(), "msg=") >= probes },
		"a log line for each of %d clients that gave up; the log:\n%v", probes, &logs)
	if n := strings.Count(logs.String(), "level=ERROR"); n > 0 {
		t.Errorf("%d clients that gave up mid-body left %d ERROR lines:\n%s", probes, n, logs.String())
	}
}

// lockedBuffer is a log's destination that handlers on many goroutines may
// write to at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
