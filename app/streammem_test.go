package app_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/internal/servertest"
)

// streamsPerRun is how many streams BenchmarkStreamMemory holds open: the
// issue's 1,000 (half guests' pages, half TVs, as cmd/loadtest -start).
const streamsPerRun = 1000

// BenchmarkStreamMemory opens streamsPerRun live streams on one night of
// the real server and reports what each costs the server once they have
// had their first state: its live heap (after a collection) and its
// goroutine stacks, in bytes, and its goroutines. The clients are plain
// connections, read in turn by one goroutine, so that what they hold
// themselves is a socket's few hundred bytes, not a client's buffers.
// STREAM_HEAP_PROFILE=FILE writes the heap profile with the streams open.
//
//	go test ./app -run '^$' -bench StreamMemory -benchtime 1x
func BenchmarkStreamMemory(b *testing.B) {
	profile := os.Getenv("STREAM_HEAP_PROFILE")
	if profile != "" {
		runtime.MemProfileRate = 64 // fine enough to tell the streams' parts apart
	}
	dir := b.TempDir()
	proxy, err := handlers.ParseTrustProxy("127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	// Each stream from its own address (X-Forwarded-For), as a bar's
	// phones and TVs: within the live fair shares.
	srv, _ := servertest.Start(b, app.Config{Addr: "127.0.0.1:0", DataDir: dir,
		DatabaseURL: "file:" + dir + "/karaoke.db", TrustProxy: proxy, MaxStreams: 3 * streamsPerRun})
	addr := srv.Addr()
	code, cookies := joinedNight(b, "http://"+addr, 100)

	var heap, stacks, goroutines, allocated float64
	for b.Loop() {
		before := memoryNow()
		var conns []*streamConn
		for i := range streamsPerRun {
			path, cookie := "/d/"+code+"/events", ""
			if i%2 == 0 {
				path, cookie = "/j/"+code+"/events", cookies[i/2%len(cookies)]
			}
			c, err := openStream(addr, path, cookie, fmt.Sprintf("10.1.%d.%d", i>>8, i&255))
			if err != nil {
				b.Fatalf("stream %d: %v", i, err)
			}
			conns = append(conns, c)
		}
		// Every stream has its first state (the guest's page its own), and
		// the server is left with what it holds for a stream that waits.
		for _, c := range conns {
			c.drain(b)
		}
		after := memoryNow()
		if profile != "" {
			writeHeapProfile(b, profile)
		}
		for _, c := range conns {
			c.conn.Close()
		}
		n := float64(len(conns))
		heap += float64(after.heap-before.heap) / n
		stacks += float64(after.stacks-before.stacks) / n
		goroutines += float64(after.goroutines-before.goroutines) / n
		allocated += float64(after.allocated-before.allocated) / n
	}
	runs := float64(b.N)
	b.ReportMetric(heap/runs, "heap-B/stream")
	b.ReportMetric(stacks/runs, "stack-B/stream")
	b.ReportMetric((heap+stacks)/runs, "B/stream")
	b.ReportMetric(goroutines/runs, "goroutines/stream")
	// Allocated while the streams opened, garbage now, but what the heap
	// grew by before a collection: it counts in the RSS until then.
	b.ReportMetric(allocated/runs, "alloc-B/stream")
	b.ReportMetric(0, "ns/op") // the time of a run is the clients' setup, not a figure
}

type memory struct{ heap, stacks, goroutines, allocated int64 }

// memoryNow is the process's live heap, after collections that also
// shrink the goroutines' stacks to what they use, and its stacks.
func memoryNow() memory {
	for range 3 {
		runtime.GC()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memory{int64(m.HeapAlloc), int64(m.StackInuse), int64(runtime.NumGoroutine()), int64(m.TotalAlloc)}
}

func writeHeapProfile(tb testing.TB, file string) {
	f, err := os.Create(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		tb.Fatal(err)
	}
}

// streamConn is one stream as a bare connection.
type streamConn struct{ conn net.Conn }

// openStream asks for the stream at path as a browser's EventSource does,
// and reads its answer's head.
func openStream(addr, path, cookie, from string) (*streamConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nHost: karaoke\r\nAccept: text/event-stream\r\nX-Forwarded-For: %s\r\n", path, from)
	if cookie != "" {
		fmt.Fprintf(&req, "Cookie: %s\r\n", cookie)
	}
	req.WriteString("\r\n")
	if _, err := c.Write(req.Bytes()); err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	// A small reader, dropped after the head: what it read past the head is
	// the stream's, which drain reads on.
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 512), nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		c.Close()
		return nil, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return &streamConn{conn: c}, nil
}

// drain reads what the stream has sent until it has sent nothing for a
// moment.
func (s *streamConn) drain(tb testing.TB) {
	var buf [4096]byte
	for {
		_ = s.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_, err := s.conn.Read(buf[:])
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return
		}
		if err != nil {
			tb.Fatalf("stream ended: %v", err)
		}
	}
}

// joinedNight creates a night at base with guests joined, and returns its
// code and each guest's cookie header.
func joinedNight(tb testing.TB, base string, guests int) (code string, cookies []string) {
	tb.Helper()
	post := func(jar http.CookieJar, path string, form url.Values) *goquery.Document {
		resp, err := (&http.Client{Jar: jar, Timeout: 10 * time.Second}).PostForm(base+path, form)
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		if err != nil {
			tb.Fatal(err)
		}
		return doc
	}
	hostJar, _ := cookiejar.New(nil)
	code = post(hostJar, "/sessions", url.Values{"name": {"Many screens"}}).Find(`[data-testid="join-code"]`).Text()
	u, _ := url.Parse(base)
	for i := range guests {
		jar, _ := cookiejar.New(nil)
		post(jar, "/j/"+code+"/join", url.Values{"name": {fmt.Sprintf("Guest %d", i)}})
		var parts []string
		for _, c := range jar.Cookies(u) {
			parts = append(parts, c.Name+"="+c.Value)
		}
		cookies = append(cookies, strings.Join(parts, "; "))
	}
	return code, cookies
}
