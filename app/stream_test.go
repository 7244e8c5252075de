package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/sse"
)

// The live tests' helpers: an event stream read as a phone would, and a
// night of guests.

// stream is one open event stream, read into a channel.
type stream struct {
	t      *testing.T
	name   string
	events chan sse.Event
}

// listen opens the event stream of the page at path, as the phone, with
// the URL (and version) the page gives. extra headers are added.
func (p *phone) listen(name, pagePath string, header http.Header) *stream {
	p.t.Helper()
	doc, _ := p.open("GET", pagePath, nil)
	src, ok := doc.Find("[sse-connect]").Attr("sse-connect")
	if !ok {
		p.t.Fatalf("%s: %s has no sse-connect", name, pagePath)
	}
	return p.listenURL(name, src, header)
}

func (p *phone) listenURL(name, src string, header http.Header) *stream {
	p.t.Helper()
	req, err := http.NewRequest("GET", p.base+src, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	// As a browser's EventSource asks (the server's live.Unwind streams
	// such a request at the top of its handler's stack).
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range header {
		req.Header[k] = v
	}
	// No client timeout: a stream stays open.
	resp, err := (&http.Client{Jar: p.client.Jar}).Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		p.t.Fatalf("%s: GET %s: status %d, content type %q", name, src, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &stream{t: p.t, name: name, events: make(chan sse.Event, 1000)}
	go func() {
		defer close(s.events)
		r := sse.NewReader(resp.Body)
		for {
			ev, err := r.Next()
			if err != nil {
				return
			}
			s.events <- ev
		}
	}()
	return s
}

// collect returns the events that arrive within wait, and then until quiet
// passes with none.
func (s *stream) collect(wait, quiet time.Duration) []sse.Event {
	var out []sse.Event
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return out
			}
			out = append(out, ev)
			timer.Reset(quiet)
		case <-timer.C:
			return out
		}
	}
}

// waitFor reads events until one named name contains text, or within passes.
// It is not a poll, so not wait.Eventually: it returns the moment the event
// arrives, which the timings TestTwoProcessesOnOneDatabase logs rely on.
func (s *stream) waitFor(name, text string, within time.Duration) bool {
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return false
			}
			if ev.Name == name && strings.Contains(ev.Data, text) {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func names(events []sse.Event) string {
	var n []string
	for _, e := range events {
		n = append(n, e.Name)
	}
	return strings.Join(n, ",")
}

func find(events []sse.Event, name string) (sse.Event, bool) {
	for _, e := range events {
		if e.Name == name {
			return e, true
		}
	}
	return sse.Event{}, false
}

// night is a session with a host, and guests who joined.
type night struct {
	t      *testing.T
	base   string
	host   *phone
	dash   string
	code   string
	guests []*phone
}

func newNight(t *testing.T, base string, guests int) *night {
	t.Helper()
	n := &night{t: t, base: base, host: newPhone(t, base)}
	dash, dashURL := n.host.open("POST", "/sessions", url.Values{"name": {"Live night"}})
	n.dash, n.code = dashURL.Path, dash.Find(`[data-testid="join-code"]`).Text()
	for i := range guests {
		g := newPhone(t, base)
		g.open("POST", "/j/"+n.code+"/join", url.Values{"name": {fmt.Sprintf("Guest %d", i)}})
		n.guests = append(n.guests, g)
	}
	return n
}

func (n *night) request(g *phone, title string) {
	n.t.Helper()
	g.open("POST", "/j/"+n.code+"/requests", url.Values{"title": {title}})
}
