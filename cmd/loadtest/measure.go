package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// The measuring: a phase, its closed loop of workers, its figures.

var errStop = errors.New("stop")

type loadTest struct {
	cfg    config
	client *http.Client
	last   result
	// turns is the turn each dashboard's Start next ends, as its last
	// answer showed it (dash path → the ends field).
	turns sync.Map
	// streamsRSS is the server's RSS with the streams of openStreams open.
	streamsRSS int64
	// remote counts the database's round trips in remote mode (remote.go).
	remote *roundTrips
}

type result struct {
	ops, errs int
	elapsed   time.Duration
	latencies []time.Duration
	firstErr  error
}

// phase runs one measurement and prints its figures, with the server's CPU
// use over it and the load generator's own (on the same cores: what it
// takes, the server cannot have).
func (lt *loadTest) phase(name string, fn func() result) {
	cpu0, gen0 := cpuTime(lt.cfg.pid), cpuTime(os.Getpid())
	trips0 := lt.remote.snapshot()
	start := time.Now()
	r := fn()
	wall := time.Since(start)
	cpu, gen := cpuTime(lt.cfg.pid)-cpu0, cpuTime(os.Getpid())-gen0
	slices.Sort(r.latencies)
	fmt.Printf("\n%s\n  %d ops in %s: %.0f/s, p50 %s, p99 %s, errors %d",
		name, r.ops, r.elapsed.Round(time.Millisecond), float64(r.ops)/r.elapsed.Seconds(),
		pct(r.latencies, 50), pct(r.latencies, 99), r.errs)
	if r.firstErr != nil {
		fmt.Printf(" (first: %v)", r.firstErr)
	}
	fmt.Println()
	lt.remote.print(r.ops, trips0)
	if lt.cfg.pid != 0 {
		fmt.Printf("  server CPU %.0f%% of one core (%.2f s over %.2f s), load generator %.0f%%\n",
			100*cpu.Seconds()/wall.Seconds(), cpu.Seconds(), wall.Seconds(), 100*gen.Seconds()/wall.Seconds())
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

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}
