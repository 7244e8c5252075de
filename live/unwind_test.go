package live_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/karaoke-night/karaoke/internal/sse"
	"github.com/karaoke-night/karaoke/live"
)

// TestUnwindStreamsAfterTheHandlersReturn: behind Unwind, a stream asked
// for as an EventSource does is written once the middleware and the
// handler it passed through have returned, with the headers they set, and
// it follows the session and ends as any other; a request without that
// Accept is streamed inside them, as without Unwind.
func TestUnwindStreamsAfterTheHandlersReturn(t *testing.T) {
	src := &fakeSource{version: 1}
	b := live.New(src, live.Config{})
	var inside atomic.Int64 // requests inside the middleware now
	chain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inside.Add(1)
		defer inside.Add(-1)
		w.Header().Set("X-Middleware", "was here")
		b.Serve(w, r, live.Listener{SessionID: 1, Page: live.PageDisplay})
	})
	srv := httptest.NewServer(b.Unwind(chain))
	t.Cleanup(func() { b.Close(); srv.Close() })

	for _, tt := range []struct {
		accept string
		inside int64
	}{
		{"text/event-stream", 0},
		{"", 1},
	} {
		t.Run("Accept "+tt.accept, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := resp.Header.Get("X-Middleware"), "was here"; got != want {
				t.Errorf("X-Middleware = %q, want %q", got, want)
			}
			if got, want := resp.Header.Get("Content-Type"), "text/event-stream"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			r := sse.NewReader(resp.Body)
			next(t, r) // the current state
			if got := inside.Load(); got != tt.inside {
				t.Errorf("with the stream open, %d requests are inside the middleware, want %d", got, tt.inside)
			}
			src.set(src.version+1, 0)
			b.Notify(1, src.version)
			if ev := next(t, r); ev.ID == "" {
				t.Errorf("the change came without an id: %+v", ev)
			}
			resp.Body.Close()
			waitForStreams(t, b, 0, "the stream was not let go when its client went")
		})
	}
}

// TestUnwindLetsGoOfAStreamWhoseHandlerPanicked: a stream subscribed by a
// handler that then panics is let go of, not left counted.
func TestUnwindLetsGoOfAStreamWhoseHandlerPanicked(t *testing.T) {
	b := live.New(&fakeSource{version: 1}, live.Config{})
	t.Cleanup(b.Close)
	h := b.Unwind(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.Serve(w, r, live.Listener{SessionID: 1, Page: live.PageDisplay})
		panic(http.ErrAbortHandler)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept", "text/event-stream")
	func() {
		defer func() { _ = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	if got := b.Streams(); got != 0 {
		t.Errorf("%d streams open after the handler panicked, want 0", got)
	}
}
