package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// With -remote and -trips, the load test does each hot operation alone,
// one after another, and prints the round trips each cost exactly (no
// other request shares the count), and with -trace the statements of the
// last of each, as the proxy saw them: the figure to cut, and where.

// tracer keeps what the proxy saw, while on.
type tracer struct {
	mu    sync.Mutex
	on    bool
	lines []string
}

// see records one pipeline request's body as a line of its steps.
func (t *tracer) see(body []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.on {
		return
	}
	var msg struct {
		Baton    *string `json:"baton"`
		Requests []struct {
			Type  string `json:"type"`
			Stmt  *struct{ SQL string }
			Batch *struct {
				Steps []struct{ Stmt struct{ SQL string } }
			}
		}
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.lines = append(t.lines, "(unreadable: "+err.Error()+")")
		return
	}
	var parts []string
	for _, r := range msg.Requests {
		switch {
		case r.Stmt != nil:
			parts = append(parts, short(r.Stmt.SQL))
		case r.Batch != nil:
			var steps []string
			for _, s := range r.Batch.Steps {
				steps = append(steps, short(s.Stmt.SQL))
			}
			parts = append(parts, "batch["+strings.Join(steps, " | ")+"]")
		default:
			parts = append(parts, r.Type)
		}
	}
	mark := "  "
	if msg.Baton != nil && *msg.Baton != "" {
		mark = "b "
	}
	t.lines = append(t.lines, mark+strings.Join(parts, " ; "))
}

// start clears the lines and starts recording.
func (t *tracer) start() {
	t.mu.Lock()
	t.on, t.lines = true, nil
	t.mu.Unlock()
}

// stop stops recording and returns the lines.
func (t *tracer) stop() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.on = false
	return t.lines
}

func short(sql string) string {
	sql = strings.Join(strings.Fields(sql), " ")
	if len(sql) > 90 {
		sql = sql[:90] + "…"
	}
	return sql
}

// runTrips does n of each operation, one at a time, on a new night.
func runTrips(ctx context.Context, lt *loadTest, n int, trace bool) error {
	host, dash, code, err := lt.createSession("Trips night")
	if err != nil {
		return err
	}
	var guests []string
	join := func(i int) error {
		resp, _, err := lt.do("POST", "/j/"+code+"/join", "", map[string][]string{"name": {fmt.Sprint("Guest ", i)}})
		if err == nil && resp.StatusCode != http.StatusSeeOther {
			err = fmt.Errorf("join: %d", resp.StatusCode)
		}
		if err == nil {
			guests = append(guests, cookieHeader(resp))
		}
		return err
	}
	ops := []struct {
		name string
		op   func(i int) error
	}{
		{"join", join},
		{"guest page, first load after a change", func(i int) error {
			// The next op changes the night, so every load here follows a change.
			return lt.get("/j/"+code, guests[i])
		}},
		{"guest page, again at the same version", func(i int) error { return lt.get("/j/"+code, guests[i]) }},
		{"a guest's request", func(i int) error { return lt.enqueue(code, guests[i], fmt.Sprint("Song ", i)) }},
		{"start next", func(i int) error { return lt.startNext(host, dash) }},
	}
	// Let the server's start-up reads and the first loads pass first.
	if err := join(-1); err != nil {
		return err
	}
	if err := lt.startNext(host, dash); err != nil {
		return err
	}
	time.Sleep(time.Second) // on purpose: the streams' first polls pass
	counts := make([][4]int64, len(ops))
	traces := make([][]string, len(ops))
	for i := range n {
		for k, o := range ops {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if trace && i == n-1 {
				lt.remote.trace.start()
			}
			before := lt.remote.snapshot()
			if err := o.op(i); err != nil {
				return fmt.Errorf("%s: %w", o.name, err)
			}
			after := lt.remote.snapshot()
			for j := range after {
				counts[k][j] += after[j] - before[j]
			}
			if trace && i == n-1 {
				traces[k] = lt.remote.trace.stop()
			}
		}
	}
	fmt.Printf("\n== round trips per operation, each alone, %d of each ==\n", n)
	for k, o := range ops {
		c := counts[k]
		fmt.Printf("%-40s %5.1f round trips (%.1f a stream's close, off the path), %4.1f holding the write lock, %.2f write transactions\n",
			o.name, float64(c[0])/float64(n), float64(c[3])/float64(n), float64(c[2])/float64(n), float64(c[1])/float64(n))
		for _, l := range traces[k] {
			fmt.Println("    " + l)
		}
	}
	return nil
}
