// Command loadtest measures the karaoke server under load on loopback: the
// guest page, enqueueing at a short and a long queue, joins, live fan-out,
// memory and CPU. By default it builds cmd/karaoke, starts it as its own
// process on a fresh DATA_DIR and reads its memory and CPU from /proc; with
// -url it loads a server that is already running (memory and CPU then need
// -pid; the server needs the abuse limits off, as BENCHMARKS.md says, and
// TRUST_PROXY=127.0.0.1, since the streams phase gives each stream its own
// address, as a bar's phones and TVs have, to stay within the live fair
// shares). It stops by itself; BENCHMARKS.md says how to read what it
// prints.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
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
	search      bool
	pages       bool
	start       bool
	songs       int
	requests    bool
	phones      int
	slices      int
	remote      string
	trips       int
	trace       bool
	rtt         time.Duration
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
	flag.IntVar(&cfg.fanGuests, "fan-guests", 300, "guest streams for the fan-out measurement (plus one TV), all from one address (at most a quarter of the server's MAX_STREAMS, an address's fair share)")
	flag.IntVar(&cfg.fanChanges, "fan-changes", 30, "changes timed for the fan-out measurement")
	flag.IntVar(&cfg.idleStreams, "streams", 1000, "open streams for the memory measurement, on one session (at most half of the server's MAX_STREAMS, a session's fair share)")
	flag.BoolVar(&cfg.search, "search", false, "measure only the songbook search, with wrk, against a trivial handler (see BENCHMARKS.md)")
	flag.BoolVar(&cfg.pages, "pages", false, "measure only the guest page, the TV and the dashboard, with wrk, against a trivial handler (issue 18, goal 1)")
	flag.BoolVar(&cfg.start, "start", false, "measure only memory (idle, 1,000 streams) and the cold start on 1,000 ended sessions (issue 18, goal 4)")
	flag.IntVar(&cfg.songs, "songs", 250_000, "with -search: the generated songbook's size")
	flag.BoolVar(&cfg.requests, "requests", false, "measure only the request as a phone makes it (request.go)")
	flag.IntVar(&cfg.phones, "phones", 1000, "phones joined for the request phases, each its own device")
	flag.IntVar(&cfg.slices, "slices", 5, "slices of 200 requests timed per band and variant in the request phases (a band of 400 took 0.3 s, short enough for one of this virtual machine's stalls to move its rate by a third)")
	flag.StringVar(&cfg.remote, "remote", "", "run the server in remote mode on the libSQL server at this http:// URL, counting its round trips (remote.go)")
	flag.DurationVar(&cfg.rtt, "rtt", 0, "with -remote: a round trip the proxy adds to each request to the database, as a network would (5ms: Turso in the same region)")
	flag.IntVar(&cfg.trips, "trips", 0, "with -remote: do each hot operation this many times alone and print its round trips exactly (trips.go)")
	flag.BoolVar(&cfg.trace, "trace", false, "with -trips: print the statements of each operation's last run")
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
	if (cfg.search || cfg.pages || cfg.start) && !startedOwn {
		return fmt.Errorf("-search, -pages and -start start their own server: leave out -url")
	}
	var dir string
	var trips *roundTrips
	if cfg.remote != "" {
		if !startedOwn {
			return fmt.Errorf("-remote starts its own server: leave out -url")
		}
		var stopRemote func()
		var err error
		if trips, stopRemote, err = startRemote(cfg.remote, cfg.rtt); err != nil {
			return err
		}
		defer stopRemote()
	}
	if startedOwn {
		base, d, pid, stopServer, err := startServer()
		if err != nil {
			return err
		}
		defer stopServer()
		cfg.target, cfg.pid, dir = base, pid, d
	}
	fmt.Printf("karaoke load test: %s, GOMAXPROCS %d, %d CPUs, %s per phase\n", cfg.target, runtime.GOMAXPROCS(0), runtime.NumCPU(), cfg.duration)
	lt := &loadTest{cfg: cfg, client: newClient(200), remote: trips}
	if cfg.search {
		return runSearch(ctx, lt, dir)
	}
	if cfg.pages {
		return runPages(ctx, lt, dir)
	}
	if cfg.start {
		return runStart(ctx, lt, dir)
	}
	if cfg.trips > 0 {
		if trips == nil {
			return fmt.Errorf("-trips counts a remote database's round trips: give -remote")
		}
		return runTrips(ctx, lt, cfg.trips, cfg.trace)
	}
	if cfg.pid != 0 {
		time.Sleep(time.Second)
		fmt.Printf("server RSS idle: %s\n", mib(rss(cfg.pid)))
	}
	// The request phases grow a queue to 10,000, past what a remote run
	// does within the load test's time: with -remote they run only when asked.
	if cfg.remote == "" || cfg.requests {
		if err := runRequests(ctx, lt); err != nil || cfg.requests {
			return err
		}
	}

	host, dash, code, err := lt.createSession("Load night")
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
		return lt.startNext(host, dash)
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
		base, _, pid, stopFresh, err := startServer()
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
