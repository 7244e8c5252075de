package live_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/sse"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/live"
)

// fakeSource is a session whose state is a version and a payload size; the
// test moves it on by hand.
type fakeSource struct {
	mu      sync.Mutex
	version int64
	size    int
	loads   atomic.Int64
}

func (s *fakeSource) set(version int64, size int) {
	s.mu.Lock()
	s.version, s.size = version, size
	s.mu.Unlock()
}

func (s *fakeSource) Frame(ctx context.Context, id int64) (live.Frame, error) {
	s.loads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return fakeFrame{version: s.version, size: s.size}, nil
}

func (s *fakeSource) Versions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[int64]int64{1: s.version}, nil
}

type fakeFrame struct {
	version int64
	size    int
}

func (f fakeFrame) Version() int64 { return f.version }
func (f fakeFrame) Ended() bool    { return false }
func (f fakeFrame) Events(l live.Listener) ([]live.Event, error) {
	html := fmt.Sprintf("<p>v%d</p>%s", f.version, strings.Repeat("x", f.size))
	return []live.Event{live.NewEvent(f.version, "state", []byte(html))}, nil
}

func newServer(t *testing.T, src live.Source, cfg live.Config) (*live.Broker, *httptest.Server) {
	t.Helper()
	b := live.New(src, cfg)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.Serve(w, r, live.Listener{SessionID: 1, Page: live.PageDisplay})
	}))
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(func() { b.Close(); srv.Close() })
	return b, srv
}

func open(t *testing.T, url string) (*sse.Reader, *http.Response) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return sse.NewReader(resp.Body), resp
}

// openStreams opens n streams and reads the first event of each.
func openStreams(t *testing.T, url string, n int) []*sse.Reader {
	t.Helper()
	var readers []*sse.Reader
	for range n {
		r, _ := open(t, url)
		next(t, r)
		readers = append(readers, r)
	}
	return readers
}

func next(t *testing.T, r *sse.Reader) sse.Event {
	t.Helper()
	type result struct {
		ev  sse.Event
		err error
	}
	c := make(chan result, 1)
	go func() { ev, err := r.Next(); c <- result{ev, err} }()
	select {
	case res := <-c:
		if res.err != nil {
			t.Fatalf("read event: %v", res.err)
		}
		return res.ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return sse.Event{}
}

func TestCapAnswers503WithRetryAfter(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{MaxStreams: 2})
	open(t, srv.URL)
	open(t, srv.URL)
	waitForStreams(t, b, 2, "the two streams did not open")
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("past the cap: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestStreamOutlivesReadTimeoutWithHeartbeats: the server's ReadTimeout
// (300 ms here) does not end a stream, and an idle stream sends comments.
func TestStreamOutlivesReadTimeoutWithHeartbeats(t *testing.T) {
	src := &fakeSource{version: 1}
	_, srv := newServer(t, src, live.Config{Heartbeat: 100 * time.Millisecond})
	r, _ := open(t, srv.URL)
	next(t, r) // the current state
	// Not a poll: time passes on purpose, past the ReadTimeout and ten heartbeats.
	time.Sleep(time.Second)
	src.set(2, 0)
	// Without a Notify, the poll (every second) finds the new version.
	if ev := next(t, r); !strings.Contains(ev.Data, "v2") {
		t.Errorf("after the poll: %q", ev.Data)
	}
	if r.Comments < 5 {
		t.Errorf("%d heartbeats in over a second, want one each 100 ms", r.Comments)
	}
}

// TestSlowClientIsDroppedOthersKeepUp: a client that never reads is dropped
// once its buffer is full, while another hears every change.
func TestSlowClientIsDroppedOthersKeepUp(t *testing.T) {
	src := &fakeSource{version: 1, size: 256 << 10}
	b, srv := newServer(t, src, live.Config{Buffer: 2, WriteTimeout: 200 * time.Millisecond})
	stalled, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	fmt.Fprintf(stalled, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	status, _ := bufio.NewReader(stalled).ReadString('\n')
	if !strings.Contains(status, "200") {
		t.Fatalf("stalled client: %q", status)
	}
	r, _ := open(t, srv.URL)
	next(t, r)
	for v := int64(2); v <= 40; v++ {
		src.set(v, 256<<10)
		b.Notify(1, v)
		// The healthy client hears each version; coalescing may skip some.
		for {
			ev := next(t, r)
			if ev.ID == fmt.Sprint(v) {
				break
			}
		}
	}
	waitForStreams(t, b, 1, "the stalled stream was not dropped")
}

// waitForStreams waits up to 5 s for the Broker to hold want streams.
func waitForStreams(t *testing.T, b *live.Broker, want int, why string) {
	t.Helper()
	wait.Eventually(t, 5*time.Second, func() bool { return b.Streams() == want }, why)
}

// TestCloseEndsStreams: Close ends every stream promptly, so a server's
// Shutdown is not held up, and later streams are told to come back.
func TestCloseEndsStreams(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{})
	readers := openStreams(t, srv.URL, 5)
	b.Close()
	for _, r := range readers {
		done := make(chan error, 1)
		go func() {
			_, err := r.Next()
			done <- err
		}()
		select {
		case err := <-done:
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				t.Errorf("stream ended with %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("a stream is still open after Close")
		}
	}
	// A stream opened while the server stops is not refused: any status
	// but 200 would make the browser give up (EventSource CLOSED) and leave
	// it to htmx's SSE extension, whose wait grows to 64 s. It gets an empty
	// stream that asks it to come back after the retry delay.
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Errorf("after Close: status %d, want %d", got, want)
	}
	if got, want := resp.Header.Get("Content-Type"), "text/event-stream"; got != want {
		t.Errorf("after Close: Content-Type %q, want %q", got, want)
	}
	if got, want := string(body), "retry: 2000\n\n"; got != want {
		t.Errorf("after Close: body %q, want %q", got, want)
	}
}

// TestGoneClientEndsItsStream: a client that hangs up frees its stream at
// once, through its request's context, without waiting for a write to fail.
func TestGoneClientEndsItsStream(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{Heartbeat: time.Hour})
	r, resp := open(t, srv.URL)
	next(t, r)
	open(t, srv.URL)
	resp.Body.Close()
	waitForStreams(t, b, 1, "the stream of the client that hung up was not freed")
}

// TestShutdownWaitsForStreamsUntilBrokerCloses: the streams are requests an
// http.Server's Shutdown waits for, and closing the Broker as Shutdown starts
// lets it return at once, each client reading the end of its stream.
func TestShutdownWaitsForStreamsUntilBrokerCloses(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{})
	readers := openStreams(t, srv.URL, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Config.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown with streams open and the broker running: %v, want it to wait for them", err)
	}
	srv.Config.RegisterOnShutdown(b.Close)
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown closing the broker: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Shutdown took %v", took)
	}
	for _, r := range readers {
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("after Shutdown the stream reads %v, want its end", err)
		}
	}
}

// TestBurstOfChangesIsCoalesced: many announcements while a render runs
// cost a few loads, not one each, and the last state arrives.
func TestBurstOfChangesIsCoalesced(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{})
	r, _ := open(t, srv.URL)
	next(t, r)
	before := src.loads.Load()
	for v := int64(2); v <= 200; v++ {
		src.set(v, 0)
		b.Notify(1, v)
	}
	for {
		if ev := next(t, r); ev.ID == "200" {
			break
		}
	}
	if loads := src.loads.Load() - before; loads > 100 {
		t.Errorf("%d loads for 199 announcements", loads)
	}
}

func TestEventEncoding(t *testing.T) {
	r := sse.NewReader(strings.NewReader(string(eventWire(live.NewEvent(7, "queue", []byte("<ol>\n<li>a</li>\r\n</ol>"))))))
	ev, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if ev.ID != "7" || ev.Name != "queue" || ev.Data != "<ol>\n<li>a</li>\n</ol>" {
		t.Errorf("event = %+v", ev)
	}
}

// eventWire serves one event through a broker, as a client reads it.
func eventWire(e live.Event) []byte {
	src := &oneEvent{e}
	b := live.New(src, live.Config{})
	defer b.Close()
	rec := httptest.NewRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	b.Serve(rec, req, live.Listener{SessionID: 1})
	return rec.Body.Bytes()
}

type oneEvent struct{ e live.Event }

func (o *oneEvent) Frame(context.Context, int64) (live.Frame, error) { return o, nil }
func (o *oneEvent) Versions(context.Context, []int64) (map[int64]int64, error) {
	return map[int64]int64{1: 7}, nil
}
func (o *oneEvent) Version() int64                             { return 7 }
func (o *oneEvent) Ended() bool                                { return false }
func (o *oneEvent) Events(live.Listener) ([]live.Event, error) { return []live.Event{o.e}, nil }
