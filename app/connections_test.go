package app_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/wait"
)

// TestConnectionCap: past MaxConnections a new connection is not served
// until one of those open closes, and then it is: a flood of connections
// queues instead of running the machine out of memory.
func TestConnectionCap(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxStreams, cfg.MaxConnections = 4, 8
	srv, _, _ := runServer(t, cfg)

	// Each holder has been served once, so the server has accepted it, and
	// then keeps it open, idle between requests.
	var holders []net.Conn
	for i := range cfg.MaxConnections {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprint(c, "GET /livez HTTP/1.1\r\nHost: karaoke\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("connection %d: %v, %v", i+1, resp, err)
		}
		resp.Body.Close()
		holders = append(holders, c)
	}

	answered := make(chan int, 1)
	go func() {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
		resp, err := client.Get("http://" + srv.Addr() + "/livez")
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	// Time for a server without the cap to answer, on purpose.
	time.Sleep(500 * time.Millisecond)
	select {
	case status := <-answered:
		t.Fatalf("connection %d was served (status %d) while %d were open", cfg.MaxConnections+1, status, cfg.MaxConnections)
	default:
	}

	for _, c := range holders {
		c.Close()
	}
	var status int
	wait.Eventually(t, 10*time.Second, func() bool {
		select {
		case status = <-answered:
			return true
		default:
			return false
		}
	}, "the waiting connection was not served once the others closed")
	if status != http.StatusOK {
		t.Errorf("the waiting connection: status %d, want 200", status)
	}
}

func TestFromEnvConnections(t *testing.T) {
	tests := []struct {
		name                string
		env                 map[string]string
		streams, connection int
		bad                 bool
	}{
		{"defaults: derived from the streams when the server opens", nil, 0, 0, false},
		{"a cap", map[string]string{"MAX_CONNECTIONS": "5000"}, 0, 5000, false},
		{"both", map[string]string{"MAX_STREAMS": "100", "MAX_CONNECTIONS": "300"}, 100, 300, false},
		{"not above the default streams", map[string]string{"MAX_CONNECTIONS": "2000"}, 0, 0, true},
		{"not above the streams", map[string]string{"MAX_STREAMS": "500", "MAX_CONNECTIONS": "500"}, 0, 0, true},
		{"not a number", map[string]string{"MAX_CONNECTIONS": "lots"}, 0, 0, true},
		{"zero", map[string]string{"MAX_CONNECTIONS": "0"}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.FromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, want error %v", err, tt.bad)
			}
			if !tt.bad && (got.MaxStreams != tt.streams || got.MaxConnections != tt.connection) {
				t.Errorf("MaxStreams, MaxConnections = %d, %d; want %d, %d", got.MaxStreams, got.MaxConnections, tt.streams, tt.connection)
			}
		})
	}
}
