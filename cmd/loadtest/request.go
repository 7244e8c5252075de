package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The request as a phone makes it (issue 18, goal 5): many joined phones,
// each its own device cookie, the singer cap at 20, each request from the
// next phone in turn, 10 at a time, with the form's one-time key; htmx's
// POST answered with its fragment, and the no-JS POST, its redirect and the
// guest page it leads to, every body read whole. Each is timed in bands of
// queue length, kept near the band by withdrawing (untimed) the songs a
// slice added, beside a trivial Go handler timed by the same client.

// requestBands are the queue lengths the request is timed at.
var requestBands = []int{100, 2000, 10000}

// requestSlice is how many requests are timed before the queue is brought
// back to its band, so a band's figures are of lengths within it of the band.
const requestSlice = 200

// requestVariant is one way a phone sends a request.
type requestVariant struct {
	name string
	htmx bool
}

var requestVariants = []requestVariant{
	{"htmx POST + fragment", true},
	{"no-JS POST + 303 + page", false},
}

// requestFigures are one variant's figures at one band.
type requestFigures struct {
	rate float64
	p99  time.Duration
}

// requestRun is the state of the request phases: the night, its phones
// and the songs added since the queue was last brought back to its band.
type requestRun struct {
	lt      *loadTest
	code    string
	phones  []string
	seq     atomic.Int64
	mu      sync.Mutex
	added   []string // withdraw paths (each with its phone's cookie in cookies)
	cookies []string
}

// runRequests measures the request path and prints its goals.
func runRequests(ctx context.Context, lt *loadTest) error {
	fmt.Printf("\n== the request as a phone makes it: %d phones, singer cap 20, %d at a time, %d-request slices ==\n", lt.cfg.phones, lt.cfg.writers, requestSlice)
	host, dash, code, err := lt.createSession("Request night")
	if err != nil {
		return err
	}
	if err := lt.post(host, dash+"/settings", url.Values{"singer_cap": {"20"}}); err != nil {
		return fmt.Errorf("singer cap: %w", err)
	}
	rr := &requestRun{lt: lt, code: code}
	lt.phase(fmt.Sprintf("joins, %d phones", lt.cfg.phones), func() result {
		rr.phones = lt.joinMany(ctx, code, lt.cfg.phones, lt.cfg.writers)
		return lt.last
	})
	if len(rr.phones) < lt.cfg.phones {
		return fmt.Errorf("only %d of %d phones joined: %v", len(rr.phones), lt.cfg.phones, lt.last.firstErr)
	}
	var size int
	if _, body, err := rr.request(true); err != nil {
		return err
	} else {
		size = len(body)
	}
	trivial, err := rr.trivial(ctx, size)
	if err != nil {
		return err
	}
	waiting := 1
	figures := map[string][]requestFigures{}
	for _, band := range requestBands {
		if band > waiting {
			lt.phase(fmt.Sprintf("write only (today's figure: POST, 303 not followed, no key), %d at a time, queue %d to %d", lt.cfg.writers, waiting, band), func() result {
				return rr.grow(ctx, band-waiting)
			})
			waiting = band
		}
		if err := rr.warmUp(ctx); err != nil {
			return err
		}
		for _, v := range requestVariants {
			var f requestFigures
			lt.phase(fmt.Sprintf("request, %s, %d at a time, queue %d to %d", v.name, lt.cfg.writers, band, band+requestSlice), func() result {
				r, err := rr.band(ctx, v.htmx)
				if err != nil && r.firstErr == nil {
					r.firstErr = err
				}
				slices.Sort(r.latencies)
				f = requestFigures{rate: float64(r.ops) / r.elapsed.Seconds(), p99: pct(r.latencies, 99)}
				return r
			})
			figures[v.name] = append(figures[v.name], f)
		}
	}
	printRequestGoals(trivial, figures)
	return nil
}

// request sends one request from the next phone; it returns the time taken
// and the last body read (the fragment, or the page the redirect led to).
func (rr *requestRun) request(htmx bool) (time.Duration, []byte, error) {
	n := rr.seq.Add(1)
	phone := rr.phones[int(n)%len(rr.phones)]
	form := url.Values{"title": {"Song " + strconv.FormatInt(n, 10)}, "artist": {"Load"}, "note": {""}, "retap": {retapKey()}}
	path := "/j/" + rr.code + "/requests"
	start := time.Now()
	var header http.Header
	if htmx {
		header = http.Header{"HX-Request": {"true"}, "HX-Current-URL": {rr.lt.cfg.target + "/j/" + rr.code}}
	}
	resp, body, err := rr.lt.doWith("POST", path, phone, form, header)
	switch {
	case err != nil:
		return 0, nil, err
	case htmx && resp.StatusCode != http.StatusOK:
		return 0, nil, fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, firstLine(body))
	case !htmx && resp.StatusCode != http.StatusSeeOther:
		return 0, nil, fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, firstLine(body))
	}
	if !htmx {
		loc := resp.Header.Get("Location")
		if resp, body, err = rr.lt.do("GET", loc, phone, nil); err != nil {
			return 0, nil, err
		} else if resp.StatusCode != http.StatusOK {
			return 0, nil, fmt.Errorf("GET %s: %d", loc, resp.StatusCode)
		}
	}
	took := time.Since(start)
	newest, ok := newestWithdraw(body)
	if !ok {
		return 0, nil, fmt.Errorf("no withdraw button in the answer to POST %s:\n%.2000s", path, body)
	}
	rr.mu.Lock()
	rr.added, rr.cookies = append(rr.added, newest), append(rr.cookies, phone)
	rr.mu.Unlock()
	return took, body, nil
}

// newestWithdraw finds the withdraw forms in an answer (action=".../requests/ID/withdraw")
// and returns the path of the one with the highest id: the song just added
// is the guest's newest. It scans for the attribute rather than running a
// regular expression, which took 60-100 µs an answer on the cores the
// server runs on.
func newestWithdraw(body []byte) (string, bool) {
	const attr, suffix = `action="`, "/withdraw"
	var newest string
	var newestID int64 = -1
	for rest := body; ; {
		i := bytes.Index(rest, []byte(attr))
		if i < 0 {
			break
		}
		rest = rest[i+len(attr):]
		end := bytes.IndexByte(rest, '"')
		if end < 0 {
			break
		}
		action := rest[:end]
		rest = rest[end:]
		path, ok := bytes.CutSuffix(action, []byte(suffix))
		if !ok {
			continue
		}
		_, idText, ok := bytes.Cut(path, []byte("/requests/"))
		id, err := strconv.ParseInt(string(idText), 10, 64)
		if ok && err == nil && id > newestID {
			newest, newestID = string(action), id
		}
	}
	return newest, newestID >= 0
}

// retapKey is a form's one-time key, as a rendered form carries (the
// shape views.IsRetapKey takes).
func retapKey() string { return rand.Text() }

// band times requestSlice-request slices of one variant, bringing the
// queue back after each, and returns their figures together.
func (rr *requestRun) band(ctx context.Context, htmx bool) (result, error) {
	var all result
	for range rr.lt.cfg.slices {
		var n atomic.Int64
		r := rr.lt.closedLoop(ctx, rr.lt.cfg.writers, time.Minute, func(w, i int) error {
			if n.Add(1) > requestSlice {
				return errStop
			}
			_, _, err := rr.request(htmx)
			return err
		})
		all.ops, all.errs, all.elapsed = all.ops+r.ops, all.errs+r.errs, all.elapsed+r.elapsed
		all.latencies = append(all.latencies, r.latencies...)
		if all.firstErr == nil {
			all.firstErr = r.firstErr
		}
		if err := rr.withdrawAdded(ctx); err != nil {
			return all, err
		}
	}
	return all, nil
}

// warmUp sends one slice of each variant untimed at the band's length and
// takes its songs back, so that each band is timed on a server in its
// stride rather than right after the writes that brought the queue there
// (the first band after 1,000 joins, the last after 8,000 requests): the
// log they left copied into the database, the pools filled, the collector
// paced to the heap.
func (rr *requestRun) warmUp(ctx context.Context) error {
	for _, v := range requestVariants {
		r := rr.lt.closedLoop(ctx, rr.lt.cfg.writers, time.Minute, func(w, i int) error {
			if i >= requestSlice/rr.lt.cfg.writers {
				return errStop
			}
			_, _, err := rr.request(v.htmx)
			return err
		})
		if r.firstErr != nil {
			return fmt.Errorf("warm-up: %w", r.firstErr)
		}
		if err := rr.withdrawAdded(ctx); err != nil {
			return err
		}
	}
	return nil
}

// withdrawAdded takes back, untimed, every song added since the last call.
func (rr *requestRun) withdrawAdded(ctx context.Context) error {
	rr.mu.Lock()
	paths, cookies := rr.added, rr.cookies
	rr.added, rr.cookies = nil, nil
	rr.mu.Unlock()
	var next atomic.Int64
	r := rr.lt.closedLoop(ctx, rr.lt.cfg.writers, time.Minute, func(w, i int) error {
		k := int(next.Add(1)) - 1
		if k >= len(paths) {
			return errStop
		}
		return rr.lt.post(cookies[k], paths[k], url.Values{"retap": {retapKey()}})
	})
	if r.firstErr != nil {
		return fmt.Errorf("withdraw: %w", r.firstErr)
	}
	return nil
}

// grow adds n songs with today's write-only request.
func (rr *requestRun) grow(ctx context.Context, n int) result {
	var done atomic.Int64
	return rr.lt.closedLoop(ctx, rr.lt.cfg.writers, 2*time.Minute, func(w, i int) error {
		if done.Add(1) > int64(n) {
			return errStop
		}
		k := rr.seq.Add(1)
		return rr.lt.enqueue(rr.code, rr.phones[int(k)%len(rr.phones)], "Song "+strconv.FormatInt(k, 10))
	})
}

// trivial times a trivial Go handler answering as many bytes as the
// fragment, with the same client, the same number at a time and a form
// posted the same way.
func (rr *requestRun) trivial(ctx context.Context, size int) (requestFigures, error) {
	base, stop, err := baseline(size)
	if err != nil {
		return requestFigures{}, err
	}
	defer stop()
	triv := &loadTest{cfg: rr.lt.cfg, client: rr.lt.client}
	triv.cfg.target, triv.cfg.pid = base[:len(base)-1], 0
	var f requestFigures
	rr.lt.phase(fmt.Sprintf("trivial Go handler, POST answered with %d bytes, %d at a time", size, rr.lt.cfg.writers), func() result {
		r := triv.closedLoop(ctx, rr.lt.cfg.writers, rr.lt.cfg.duration, func(w, i int) error {
			resp, _, err := triv.do("POST", "/", "", url.Values{"title": {"Song"}, "artist": {"Load"}, "retap": {retapKey()}})
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("trivial: %d", resp.StatusCode)
			}
			return err
		})
		slices.Sort(r.latencies)
		f = requestFigures{rate: float64(r.ops) / r.elapsed.Seconds(), p99: pct(r.latencies, 99)}
		return r
	})
	return f, nil
}

// printRequestGoals prints goal 5 of issue 18 for each variant: each
// figure, its target and MET or MISSED. A band's rate and p99 are judged at
// the worst band.
func printRequestGoals(trivial requestFigures, figures map[string][]requestFigures) {
	fmt.Printf("\nissue 18 goal 5, the request as a phone makes it (trivial handler %.0f/s in this run)\n", trivial.rate)
	verdict := func(ok bool) string {
		if ok {
			return "MET"
		}
		return "MISSED"
	}
	var b bytes.Buffer
	for _, v := range requestVariants {
		f := figures[v.name]
		if len(f) != len(requestBands) {
			continue
		}
		worst := slices.MinFunc(f, func(a, b requestFigures) int { return int(a.rate - b.rate) })
		slowest := slices.MaxFunc(f, func(a, b requestFigures) int { return int(a.p99 - b.p99) })
		fmt.Fprintf(&b, "  %s\n", v.name)
		for i, band := range requestBands {
			fmt.Fprintf(&b, "    queue ~%-6d %6.0f/s  p99 %s\n", band, f[i].rate, f[i].p99)
		}
		fmt.Fprintf(&b, "    rate (worst band)       %6.0f/s     target >= 2000/s   %s\n", worst.rate, verdict(worst.rate >= 2000))
		share := worst.rate / trivial.rate
		fmt.Fprintf(&b, "    of the trivial handler  %6.1f %%     target >= 4 %%      %s\n", 100*share, verdict(share >= 0.04))
		fmt.Fprintf(&b, "    p99 (worst band)        %8s    target < 20ms      %s\n", slowest.p99, verdict(slowest.p99 < 20*time.Millisecond))
		for i := 1; i < len(requestBands); i++ {
			flat := f[i].rate / f[0].rate
			fmt.Fprintf(&b, "    rate at %d / at %d %5.0f %%     target >= 80 %%     %s\n", requestBands[i], requestBands[0], 100*flat, verdict(flat >= 0.8))
		}
	}
	fmt.Print(b.String())
}
