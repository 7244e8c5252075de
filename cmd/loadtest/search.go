package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The songbook search under wrk: a night with a generated songbook, one
// joined guest, and `wrk -t2 -c50` against GET /j/CODE/songs?q=… as htmx
// sends it, each query run beside a trivial Go handler answering the same
// number of bytes from this process, the baseline of what the machine and
// wrk can do at that moment.

// searchQueries are the searches timed: a typical prefix, two words, a
// common two-letter start, and the typo fallback.
var searchQueries = []string{"bohem", "queen bohem", "lo", "ohbemian"}

// runSearch measures the songbook search with wrk, on the server started
// in dir (see startServer).
func runSearch(ctx context.Context, lt *loadTest, dir string) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("-search needs wrk on the PATH (apt-get install wrk): %w", err)
	}
	// The operator's command imports it as the house songbook, which every
	// new session gets: quicker to set up than an upload, and what is
	// measured here is the search, not the import.
	start := time.Now()
	if err := importHouseSongbook(dir, lt.cfg.songs); err != nil {
		return err
	}
	fmt.Printf("\nimported %d generated songs with `karaoke songbook import` in %s\n", lt.cfg.songs, time.Since(start).Round(100*time.Millisecond))
	_, _, code, err := lt.createSession("Search night")
	if err != nil {
		return err
	}
	guests := lt.joinMany(ctx, code, 1, 1)
	if len(guests) != 1 {
		return fmt.Errorf("the guest did not join: %v", lt.last.firstErr)
	}
	for _, q := range searchQueries {
		path := "/j/" + code + "/songs?q=" + url.QueryEscape(q)
		resp, body, err := lt.doWith("GET", path, guests[0], nil, htmxHeader)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`data-testid="song-result"`)) {
			return fmt.Errorf("GET %s: %d, no results:\n%s", path, resp.StatusCode, body)
		}
		base, stop, err := baseline(len(body))
		if err != nil {
			return err
		}
		fmt.Printf("\nsearch %q (%d bytes a fragment)\n", q, len(body))
		for _, run := range []struct{ name, url, cookie string }{
			{"baseline, a trivial handler", base, ""},
			{"search fragment", lt.cfg.target + path, guests[0]},
		} {
			rate, latency, err := wrk(ctx, run.url, run.cookie, lt.cfg.duration)
			if err != nil {
				stop()
				return err
			}
			fmt.Printf("  %-28s %8.0f req/s, %s\n", run.name, rate, latency)
		}
		stop()
		fmt.Printf("  load average %s\n", loadAverage())
	}
	return nil
}

// importHouseSongbook imports a generated list of n songs as the house
// songbook of the server in dir, with its own command, as an operator would.
func importHouseSongbook(dir string, n int) error {
	list := filepath.Join(dir, "songs.csv")
	if err := os.WriteFile(list, []byte(generatedSongs(n)), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(dir, "karaoke"), "songbook", "import", list, "--name", "Generated")
	cmd.Env = append(os.Environ(), "DATA_DIR="+filepath.Join(dir, "data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("karaoke songbook import: %w\n%s", err, out)
	}
	return nil
}

// generatedSongs is a semicolon-separated list of n made-up songs, titles
// and artists of words made of common syllables, so that short prefixes
// match thousands of songs as in a real catalogue, and Bohemian Rhapsody
// among them.
func generatedSongs(n int) string {
	rng := rand.New(rand.NewPCG(18, 18))
	syllables := strings.Fields("ka ra o ke lo ve ni ght da nce qu ee n ro ck he ar t ba by mi ss yo u me ta li ca ma ri ya so ng be ll")
	words := make([]string, 3000)
	for i := range words {
		for range 1 + rng.IntN(3) {
			words[i] += syllables[rng.IntN(len(syllables))]
		}
	}
	phrase := func(n int) string {
		p := make([]string, n)
		for i := range p {
			p[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(p, " ")
	}
	var b strings.Builder
	b.WriteString("Title;Artist\nBohemian Rhapsody;Queen\n")
	for range n - 1 {
		fmt.Fprintf(&b, "%s;%s\n", phrase(2+rng.IntN(4)), phrase(1+rng.IntN(2)))
	}
	return b.String()
}

// baseline serves size bytes of HTML to every request on a loopback port,
// until stop.
func baseline(size int) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	page := bytes.Repeat([]byte("x"), size)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/", func() { srv.Close() }, nil
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+(\S+)`)
)

// wrk runs wrk -t2 -c50 for d against url with htmx's header and cookie,
// and returns its requests a second and latency percentiles.
func wrk(ctx context.Context, url, cookie string, d time.Duration) (float64, string, error) {
	args := []string{"-t2", "-c50", "-d" + d.String(), "--latency", "-H", "HX-Request: true"}
	if cookie != "" {
		args = append(args, "-H", "Cookie: "+cookie)
	}
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return 0, "", fmt.Errorf("wrk: %w\n%s", err, out)
	}
	if bytes.Contains(out, []byte("Non-2xx")) {
		return 0, "", fmt.Errorf("wrk got errors:\n%s", out)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return 0, "", fmt.Errorf("no rate in wrk's output:\n%s", out)
	}
	var rate float64
	fmt.Sscan(string(m[1]), &rate)
	var lat []string
	for _, l := range wrkLatency.FindAllSubmatch(out, -1) {
		lat = append(lat, "p"+string(l[1])+" "+string(l[2]))
	}
	return rate, strings.Join(lat, ", "), nil
}

// loadAverage is the machine's load average over the last minute, from /proc.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
