package live_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/live"
)

// shareServer serves streams whose listener the query says: client,
// session, page and guest, so a test can play many clients.
func shareServer(t *testing.T, cfg live.Config) (*live.Broker, string) {
	t.Helper()
	b := live.New(&fakeSource{version: 1}, cfg)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		session, _ := strconv.ParseInt(q.Get("session"), 10, 64)
		guest, _ := strconv.ParseInt(q.Get("guest"), 10, 64)
		b.Serve(w, r, live.Listener{SessionID: session, Page: q.Get("page"), GuestID: guest, Client: q.Get("client")})
	}))
	t.Cleanup(func() { b.Close(); srv.Close() })
	return b, srv.URL
}

// who is one stream's listener, as shareServer reads it.
type who struct {
	client         string
	session, guest int
	page           string
}

// openAs opens a stream as w and returns the response; a stream that
// opened stays open until its body is closed or the test ends.
func openAs(t *testing.T, base string, w who) *http.Response {
	t.Helper()
	q := url.Values{"client": {w.client}, "session": {strconv.Itoa(w.session)}, "page": {w.page}, "guest": {strconv.Itoa(w.guest)}}
	resp, err := http.Get(base + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
	}
	return resp
}

// fill opens n streams as w (with the guest numbered from w.guest when
// step is set) and fails unless each opens.
func fill(t *testing.T, base string, w who, n int, guestStep int) {
	t.Helper()
	for i := range n {
		w := w
		w.guest += i * guestStep
		if resp := openAs(t, base, w); resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d of %+v: status %d, want 200 within the share", i+1, w, resp.StatusCode)
		}
	}
}

func TestFairShares(t *testing.T) {
	// By default a client's share is a quarter of MaxStreams, a session's
	// a half.
	cfg := live.Config{MaxStreams: 48}
	const clientShare, sessionShare = 12, 24
	tv := who{client: "198.51.100.1", session: 1, page: live.PageDisplay}
	tests := []struct {
		name   string
		fill   func(t *testing.T, base string)
		over   who // refused 429 after fill
		others []who
	}{
		{"a TV page's share per client", func(t *testing.T, base string) { fill(t, base, tv, live.DefaultScreenShare, 0) },
			tv, []who{{client: "198.51.100.2", session: 1, page: live.PageDisplay}, {client: tv.client, session: 2, page: live.PageDisplay},
				{client: tv.client, session: 1, page: live.PageHost}, {client: tv.client, session: 1, page: live.PageGuest, guest: 5}}},
		{"a guest's tabs", func(t *testing.T, base string) {
			fill(t, base, who{tv.client, 1, 5, live.PageGuest}, live.DefaultTabShare, 0)
		},
			who{tv.client, 1, 5, live.PageGuest}, []who{{tv.client, 1, 6, live.PageGuest}, {"198.51.100.2", 1, 5, live.PageGuest}}},
		{"a client's share over guests", func(t *testing.T, base string) { fill(t, base, who{tv.client, 1, 1, live.PageGuest}, clientShare, 1) },
			who{tv.client, 2, 99, live.PageGuest}, []who{{"198.51.100.2", 1, 99, live.PageGuest}}},
		{"a session's share over clients", func(t *testing.T, base string) {
			for i := range sessionShare {
				fill(t, base, who{fmt.Sprintf("203.0.113.%d", i), 1, 0, live.PageDisplay}, 1, 0)
			}
		}, who{"198.51.100.9", 1, 0, live.PageDisplay}, []who{{"198.51.100.9", 2, 0, live.PageDisplay}, {"198.51.100.9", 1, 0, live.PageHost}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, base := shareServer(t, cfg)
			tt.fill(t, base)
			resp := openAs(t, base, tt.over)
			if got, want := resp.StatusCode, http.StatusTooManyRequests; got != want || resp.Header.Get("Retry-After") == "" {
				t.Errorf("past the share: status %d (want %d), Retry-After %q", got, want, resp.Header.Get("Retry-After"))
			}
			for _, o := range tt.others {
				if resp := openAs(t, base, o); resp.StatusCode != http.StatusOK {
					t.Errorf("%+v: status %d, want 200: another's share is not taken", o, resp.StatusCode)
				}
			}
			if b.Streams() > cfg.MaxStreams {
				t.Errorf("%d streams open, over MaxStreams %d", b.Streams(), cfg.MaxStreams)
			}
		})
	}
}

// TestShareIsFreedWithTheStream: a closed stream gives its place back.
func TestShareIsFreedWithTheStream(t *testing.T) {
	_, base := shareServer(t, live.Config{})
	tv := who{client: "198.51.100.1", session: 1, page: live.PageDisplay}
	fill(t, base, tv, live.DefaultScreenShare-1, 0)
	last := openAs(t, base, tv)
	if resp := openAs(t, base, tv); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("past the share: status %d", resp.StatusCode)
	}
	last.Body.Close()
	wait.Eventually(t, 5*time.Second, func() bool {
		resp := openAs(t, base, tv)
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "the closed stream's place was not given back")
}
