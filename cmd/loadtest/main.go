// Command loadtest measures the karaoke server under load on loopback: the
// guest page, enqueueing at a short and a long queue, joins, live fan-out,
// memory and CPU. By default it builds cmd/karaoke, starts it as its own
// process on a fresh DATA_DIR and reads its memory and CPU from /proc; with
// -url it loads a server that is already running (memory and CPU then need
// -pid, and the abuse limits off, as BENCHMARKS.md says). It stops by
// itself; BENCHMARKS.md says how to read what it prints.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/karaoke-night/karaoke/internal/sse"
)

type config struct {
	target      string
	pid         int
	duration    time.Duration
	pageConns   int
	writers     int
	bigQueue    int
	joins       int
	fanGuests   int
	fanChanges  int
	idleStreams int
}

func main() {
	var cfg config
	flag.StringVar(&cfg.target, "url", "", "base URL of a running server (default: build and start one)")
	flag.IntVar(&cfg.pid, "pid", 0, "with -url: the server's process id, to read its memory and CPU")
	flag.DurationVar(&cfg.duration, "duration", 5*time.Second, "length of each timed phase")
	flag.IntVar(&cfg.pageConns, "page-conns", 50, "connections loading the guest page")
	flag.IntVar(&cfg.writers, "writers", 10, "concurrent guests enqueueing")
	flag.IntVar(&cfg.bigQueue, "big-queue", 10000, "the long queue's length")
	flag.IntVar(&cfg.joins, "joins", 4000, "guests to join (enough for the long queue at 3 songs each)")
	flag.IntVar(&cfg.fanGuests, "fan-guests", 300, "guest streams for the fan-out measurement (plus one TV)")
	flag.IntVar(&cfg.fanChanges, "fan-changes", 30, "changes timed for the fan-out measurement")
	flag.IntVar(&cfg.idleStreams, "streams", 1000, "open streams for the memory measurement")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // it always ends
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	startedOwn := cfg.target == ""
	if startedOwn {
		base, pid, stopServer, err := startServer()
		if err != nil {
			return err
		}
		defer stopServer()
		cfg.target, cfg.pid = base, pid
	}
	fmt.Printf("karaoke load test: %s, GOMAXPROCS %d, %d CPUs, %s per phase\n", cfg.target, runtime.GOMAXPROCS(0), runtime.NumCPU(), cfg.duration)
	lt := &loadTest{cfg: cfg, client: newClient(200)}
	if cfg.pid != 0 {
		time.Sleep(time.Second)
		fmt.Printf("server RSS idle: %s\n", mib(rss(cfg.pid)))
	}

	host, code, err := lt.createSession("Load night")
	if err != nil {
		return err
	}
	var guests []string
	lt.phase("joins", func() result {
		guests = lt.joinMany(ctx, code, cfg.joins, cfg.writers)
		return lt.last
	})
	if len(guests) < cfg.pageConns {
		return fmt.Errorf("only %d guests joined", len(guests))
	}
	// A queue of 10, for the guest page and the first enqueue figures.
	for i := range 10 {
		if err := lt.enqueue(code, guests[i], fmt.Sprintf("Warm-up %d", i)); err != nil {
			return err
		}
	}
	lt.phase(fmt.Sprintf("guest page GET, %d connections, queue 10", cfg.pageConns), func() result {
		return lt.closedLoop(ctx, cfg.pageConns, cfg.duration, func(w, i int) error {
			return lt.get("/j/"+code, guests[w])
		})
	})
	pool := guests[10:]
	var seq atomic.Int64
	enqueueNext := func(w, i int) error {
		n := seq.Add(1)
		g := pool[int(n)%len(pool)]
		if err := lt.enqueue(code, g, fmt.Sprintf("Song %d", n)); err != nil {
			return err
		}
		return lt.post(host, "/host/1/next", nil)
	}
	lt.phase(fmt.Sprintf("enqueue + next, %d guests at once, queue 10", cfg.writers), func() result {
		return lt.closedLoop(ctx, cfg.writers, cfg.duration, enqueueNext)
	})
	// Grow the queue to its long length, enqueueing only.
	var queued atomic.Int64
	queued.Store(10)
	lt.phase(fmt.Sprintf("enqueue only, %d guests at once, queue 10 to %d", cfg.writers, cfg.bigQueue), func() result {
		return lt.closedLoop(ctx, cfg.writers, 2*time.Minute, func(w, i int) error {
			if queued.Load() >= int64(cfg.bigQueue) {
				return errStop
			}
			n := seq.Add(1)
			if err := lt.enqueue(code, pool[int(n)%len(pool)], fmt.Sprintf("Song %d", n)); err != nil {
				return err
			}
			queued.Add(1)
			return nil
		})
	})
	lt.phase(fmt.Sprintf("enqueue + next, %d guests at once, queue %d", cfg.writers, cfg.bigQueue), func() result {
		return lt.closedLoop(ctx, cfg.writers, cfg.duration, enqueueNext)
	})

	if err := lt.fanOut(ctx); err != nil {
		return err
	}
	if err := lt.openStreams(ctx, "after the phases above"); err != nil {
		return err
	}
	if startedOwn {
		// The figure above carries the heap the earlier phases grew (10,000
		// songs in a queue); a fresh server shows what the streams cost.
		base, pid, stopFresh, err := startServer()
		if err != nil {
			return err
		}
		defer stopFresh()
		fresh := &loadTest{cfg: cfg, client: newClient(200)}
		fresh.cfg.target, fresh.cfg.pid = base, pid
		return fresh.openStreams(ctx, "on a fresh server")
	}
	return nil
}

var errStop = errors.New("stop")

type loadTest struct {
	cfg    config
	client *http.Client
	last   result
}

type result struct {
	ops, errs int
	elapsed   time.Duration
	latencies []time.Duration
	firstErr  error
}

// phase runs one measurement and prints its figures, with the server's CPU
// use over it.
func (lt *loadTest) phase(name string, fn func() result) {
	cpu0 := cpuTime(lt.cfg.pid)
	start := time.Now()
	r := fn()
	wall := time.Since(start)
	cpu := cpuTime(lt.cfg.pid) - cpu0
	slices.Sort(r.latencies)
	fmt.Printf("\n%s\n  %d ops in %s: %.0f/s, p50 %s, p99 %s, errors %d",
		name, r.ops, r.elapsed.Round(time.Millisecond), float64(r.ops)/r.elapsed.Seconds(),
		pct(r.latencies, 50), pct(r.latencies, 99), r.errs)
	if r.firstErr != nil {
		fmt.Printf(" (first: %v)", r.firstErr)
	}
	fmt.Println()
	if lt.cfg.pid != 0 {
		fmt.Printf("  server CPU %.0f%% of one core (%.2f s over %.2f s)\n", 100*cpu.Seconds()/wall.Seconds(), cpu.Seconds(), wall.Seconds())
	}
}

// closedLoop runs workers that each do op back to back until d passes (or
// op returns errStop), timing each op.
func (lt *loadTest) closedLoop(ctx context.Context, workers int, d time.Duration, op func(w, i int) error) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu  sync.Mutex
		res result
		wg  sync.WaitGroup
	)
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			var first error
			for i := 0; ctx.Err() == nil; i++ {
				t := time.Now()
				err := op(w, i)
				if errors.Is(err, errStop) {
					break
				}
				lat = append(lat, time.Since(t))
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errs += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.ops = len(res.latencies) - res.errs
	return res
}

func newClient(conns int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (lt *loadTest) do(method, path, cookie string, form url.Values) (*http.Response, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, lt.cfg.target+path, body)
	if err != nil {
		return nil, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b, err
}

func (lt *loadTest) get(path, cookie string) error {
	resp, _, err := lt.do("GET", path, cookie, nil)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return err
}

func (lt *loadTest) post(cookie, path string, form url.Values) error {
	if form == nil {
		form = url.Values{}
	}
	resp, body, err := lt.do("POST", path, cookie, form)
	if err == nil && resp.StatusCode != http.StatusSeeOther {
		err = fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, firstLine(body))
	}
	return err
}

var errorText = regexp.MustCompile(`role="alert"[^>]*>([^<]*)`)

func firstLine(body []byte) string {
	if m := errorText.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

func (lt *loadTest) enqueue(code, cookie, title string) error {
	return lt.post(cookie, "/j/"+code+"/requests", url.Values{"title": {title}, "artist": {"Load"}})
}

func (lt *loadTest) createSession(name string) (cookie, code string, err error) {
	resp, _, err := lt.do("POST", "/sessions", "", url.Values{"name": {name}})
	if err != nil {
		return "", "", err
	}
	cookie = cookieHeader(resp)
	loc := resp.Header.Get("Location")
	_, page, err := lt.do("GET", loc, cookie, nil)
	if err != nil {
		return "", "", err
	}
	m := regexp.MustCompile(`data-testid="join-code">([A-Z0-9]+)<`).FindSubmatch(page)
	if m == nil {
		return "", "", fmt.Errorf("no join code on %s", loc)
	}
	return cookie, string(m[1]), nil
}

func cookieHeader(resp *http.Response) string {
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// joinMany joins n guests with workers at once, timing each join, and
// returns their cookies.
func (lt *loadTest) joinMany(ctx context.Context, code string, n, workers int) []string {
	var (
		mu      sync.Mutex
		cookies []string
		next    atomic.Int64
	)
	lt.last = lt.closedLoop(ctx, workers, 2*time.Minute, func(w, i int) error {
		k := next.Add(1)
		if k > int64(n) {
			return errStop
		}
		resp, _, err := lt.do("POST", "/j/"+code+"/join", "", url.Values{"name": {"Guest " + strconv.FormatInt(k, 10)}})
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("join: %d", resp.StatusCode)
		}
		mu.Lock()
		cookies = append(cookies, cookieHeader(resp))
		mu.Unlock()
		return nil
	})
	return cookies
}

// listener is one open stream, timing the arrival of events.
type listener struct {
	resp    *http.Response
	arrived chan time.Time // when an event named want arrives
	bytes   atomic.Int64
	events  atomic.Int64
}

func (lt *loadTest) listen(path, cookie, want string) (*listener, error) {
	req, _ := http.NewRequest("GET", lt.cfg.target+path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := (&http.Client{Transport: lt.client.Transport}).Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	l := &listener{resp: resp, arrived: make(chan time.Time, 64)}
	go func() {
		r := sse.NewReader(resp.Body)
		for {
			ev, err := r.Next()
			if err != nil {
				return
			}
			l.events.Add(1)
			l.bytes.Add(int64(len(ev.Data)))
			if ev.Name == want {
				select {
				case l.arrived <- time.Now():
				default:
				}
			}
		}
	}()
	return l, nil
}

func (l *listener) close() { l.resp.Body.Close() }

// fanOut opens guest streams and a TV on a fresh session, makes changes one
// at a time, and times each change until every listener has its event.
func (lt *loadTest) fanOut(ctx context.Context) error {
	cfg := lt.cfg
	_, code, err := lt.createSession("Fan-out night")
	if err != nil {
		return err
	}
	guests := lt.joinMany(ctx, code, cfg.fanGuests, cfg.writers)
	var listeners []*listener
	defer func() {
		for _, l := range listeners {
			l.close()
		}
	}()
	for _, g := range guests {
		l, err := lt.listen("/j/"+code+"/events", g, "queue")
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
	}
	tv, err := lt.listen("/d/"+code+"/events", "", "display-next")
	if err != nil {
		return err
	}
	listeners = append(listeners, tv)
	time.Sleep(time.Second) // let the initial state arrive
	for _, l := range listeners {
		for len(l.arrived) > 0 {
			<-l.arrived
		}
	}
	var events0, bytes0 int64
	for _, l := range listeners {
		events0 += l.events.Load()
		bytes0 += l.bytes.Load()
	}
	cpu0, start := cpuTime(cfg.pid), time.Now()
	var lat []time.Duration
	var postLat []time.Duration
	missed := 0
	for i := range cfg.fanChanges {
		t0 := time.Now()
		if err := lt.enqueue(code, guests[i%len(guests)], fmt.Sprintf("Fan %d", i)); err != nil {
			return err
		}
		postLat = append(postLat, time.Since(t0))
		deadline := time.After(5 * time.Second)
		for _, l := range listeners {
			select {
			case at := <-l.arrived:
				lat = append(lat, at.Sub(t0))
			case <-deadline:
				missed++
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	wall, cpu := time.Since(start), cpuTime(cfg.pid)-cpu0
	var events1, bytes1 int64
	for _, l := range listeners {
		events1 += l.events.Load()
		bytes1 += l.bytes.Load()
	}
	slices.Sort(lat)
	slices.Sort(postLat)
	n := float64(cfg.fanChanges * len(listeners))
	fmt.Printf("\nfan-out, %d guest streams + 1 TV, %d changes (a guest requests a song)\n", len(guests), cfg.fanChanges)
	fmt.Printf("  change -> every listener has it: p50 %s, p99 %s, max %s, missed %d (the POST itself: p50 %s)\n",
		pct(lat, 50), pct(lat, 99), pct(lat, 100), missed, pct(postLat, 50))
	fmt.Printf("  per listener per change: %.2f events, %.0f bytes of HTML\n", float64(events1-events0)/n, float64(bytes1-bytes0)/n)
	if cfg.pid != 0 {
		fmt.Printf("  server CPU %.0f%% of one core over the phase\n", 100*cpu.Seconds()/wall.Seconds())
	}
	return nil
}

// openStreams holds many streams open and reads the server's memory.
func (lt *loadTest) openStreams(ctx context.Context, when string) error {
	cfg := lt.cfg
	_, code, err := lt.createSession("Many screens")
	if err != nil {
		return err
	}
	guests := lt.joinMany(ctx, code, 100, cfg.writers)
	var listeners []*listener
	defer func() {
		for _, l := range listeners {
			l.close()
		}
	}()
	for i := range cfg.idleStreams {
		path, cookie := "/d/"+code+"/events", ""
		if i%2 == 0 {
			path, cookie = "/j/"+code+"/events", guests[i%len(guests)]
		}
		l, err := lt.listen(path, cookie, "")
		if err != nil {
			return fmt.Errorf("stream %d: %w", i, err)
		}
		listeners = append(listeners, l)
	}
	time.Sleep(2 * time.Second)
	fmt.Printf("\n%d open streams (half guests, half TVs), %s\n", len(listeners), when)
	if cfg.pid != 0 {
		fmt.Printf("  server RSS %s\n", mib(rss(cfg.pid)))
	}
	return nil
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}

// startServer builds cmd/karaoke and runs it on a free loopback port and a
// fresh DATA_DIR.
func startServer() (base string, pid int, stop func(), err error) {
	dir, err := os.MkdirTemp("", "karaoke-loadtest-")
	if err != nil {
		return "", 0, nil, err
	}
	bin := filepath.Join(dir, "karaoke")
	build := exec.Command("go", "build", "-o", bin, "github.com/karaoke-night/karaoke/cmd/karaoke")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return "", 0, nil, fmt.Errorf("build the server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", 0, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATA_DIR="+filepath.Join(dir, "data"), "PORT="+strconv.Itoa(port), "MAX_STREAMS=5000",
		// Every request comes from 127.0.0.1: per-address limits would
		// measure the limiter, not the app.
		"LIMIT_DEVICE_WRITES=off", "LIMIT_ADDRESS_WRITES=off", "LIMIT_ADDRESS_SESSIONS=off")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		os.RemoveAll(dir)
	}
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", 0, nil, fmt.Errorf("the server did not start:\n%s", logs.String())
		}
	}
}

// rss is a process's resident memory in bytes, from /proc.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTime is a process's user+system CPU time so far, from /proc.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks: 100 a second on Linux
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
