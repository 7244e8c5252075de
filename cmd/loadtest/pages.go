package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The pages under wrk (issue 18, goal 1): the guest page of a night with
// 40 guests and 100 songs (each wrk connection cycling through the 40
// guests' cookies), the TV's page of that night and the host's dashboard
// of a night with 60 songs, each run with `wrk -t2 -c50` beside a trivial
// Go handler answering as many bytes from this process in the same run, the
// baseline of what the machine and wrk can do at that moment. Each goal is
// printed as a ratio with its target, MET or MISSED. Each page is also
// asked for as a browser asks (Accept-Encoding: gzip, br, zstd), beside a
// trivial handler answering as many bytes as went over the wire: printed,
// not a goal.

// pageGoal is one page's target: its throughput as a share of the trivial
// handler's, and for the guest page a p99 bound.
type pageGoal struct {
	name   string
	path   string
	share  float64
	maxP99 time.Duration // 0: none
}

// pageFigure is one page's measurement beside its baseline.
type pageFigure struct {
	goal          pageGoal
	bytes         int
	rate, base    float64
	p99, baseP99  time.Duration
	notModified   float64 // a reload with If-None-Match, req/s; 0 when the page has no ETag
	notModifiedOK bool
	// As a browser asks: the answer's encoding and size on the wire, the
	// rate and the trivial handler's with that many bytes.
	encoding             string
	wireBytes            int
	wireRate, wireBase   float64
	wireP99, wireBaseP99 time.Duration
}

// browserEncodings is what a browser's Accept-Encoding names.
const browserEncodings = "gzip, deflate, br, zstd"

func runPages(ctx context.Context, lt *loadTest, dir string) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("-pages needs wrk on the PATH (apt-get install wrk): %w", err)
	}
	_, _, code, guests, err := lt.seedNight(ctx, "Pages night", 40, 100)
	if err != nil {
		return err
	}
	host, dash, _, _, err := lt.seedNight(ctx, "Dashboard night", 30, 60)
	if err != nil {
		return err
	}
	script, err := cookieScript(dir, "plain.lua", "/j/"+code+"/", guests, "")
	if err != nil {
		return err
	}
	wireScript, err := cookieScript(dir, "wire.lua", "/j/"+code+"/", guests, browserEncodings)
	if err != nil {
		return err
	}
	goals := []struct {
		pageGoal
		cookies            []string
		script, wireScript string
	}{
		{pageGoal{"guest page, 40 guests, 100 songs", "/j/" + code + "/", 0.30, 10 * time.Millisecond}, guests, script, wireScript},
		{pageGoal{"display (TV), 100 songs", "/d/" + code + "/", 0.40, 0}, nil, "", ""},
		{pageGoal{"dashboard, 60 songs", dash, 0.15, 0}, []string{host}, "", ""},
	}
	var figures []pageFigure
	for _, g := range goals {
		cookie := ""
		if len(g.cookies) > 0 {
			cookie = g.cookies[0]
		}
		resp, body, err := lt.do("GET", g.path, cookie, nil)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", g.path, resp.StatusCode)
		}
		f := pageFigure{goal: g.pageGoal, bytes: len(body)}
		base, stop, err := baseline(len(body))
		if err != nil {
			return err
		}
		f.base, f.baseP99, err = wrkRun(ctx, lt.cfg.duration, base, "", nil)
		stop()
		if err != nil {
			return err
		}
		var header []string
		if cookie != "" {
			header = []string{"Cookie: " + cookie}
		}
		f.rate, f.p99, err = wrkRun(ctx, lt.cfg.duration, lt.cfg.target+g.path, g.script, header)
		if err != nil {
			return err
		}
		if etag := resp.Header.Get("ETag"); etag != "" {
			f.notModified, _, err = wrkRun(ctx, lt.cfg.duration, lt.cfg.target+g.path, "", append(header, "If-None-Match: "+etag))
			f.notModifiedOK = err == nil
		}
		if err := lt.measureWire(ctx, &f, g.path, cookie, g.wireScript, header); err != nil {
			return err
		}
		fmt.Printf("\n%s (%d bytes)\n  trivial handler %8.0f req/s, p99 %s\n  page            %8.0f req/s, p99 %s\n",
			g.name, f.bytes, f.base, f.baseP99, f.rate, f.p99)
		if f.notModifiedOK {
			fmt.Printf("  reload (304)    %8.0f req/s\n", f.notModified)
		}
		fmt.Printf("  as a browser asks (%s, %d bytes on the wire):\n    trivial handler %8.0f req/s, p99 %s\n    page            %8.0f req/s, p99 %s (%.1f %%)\n",
			cmp.Or(f.encoding, "identity"), f.wireBytes, f.wireBase, f.wireBaseP99, f.wireRate, f.wireP99, 100*f.wireRate/f.wireBase)
		fmt.Printf("  load average %s\n", loadAverage())
		figures = append(figures, f)
	}
	fmt.Println("\nGoals (issue 18, goal 1), each page against the trivial handler in the same run:")
	for _, f := range figures {
		ratio := f.rate / f.base
		met := ratio >= f.goal.share && (f.goal.maxP99 == 0 || f.p99 < f.goal.maxP99)
		target := fmt.Sprintf("≥ %.0f %%", 100*f.goal.share)
		if f.goal.maxP99 != 0 {
			target += fmt.Sprintf(", p99 < %s (%s)", f.goal.maxP99, f.p99)
		}
		fmt.Printf("  %-36s %5.1f %%  target %-28s %s\n", f.goal.name, 100*ratio, target, metOrMissed(met))
	}
	return nil
}

func metOrMissed(met bool) string {
	if met {
		return "MET"
	}
	return "MISSED"
}

// seedNight starts a night with n guests and songs requests among them,
// the first one singing, and returns the host's cookie, the dashboard's
// path, the join code and the guests' cookies.
func (lt *loadTest) seedNight(ctx context.Context, name string, n, songs int) (host, dash, code string, guests []string, err error) {
	host, dash, code, err = lt.createSession(name)
	if err != nil {
		return "", "", "", nil, err
	}
	guests = lt.joinMany(ctx, code, n, 4)
	if len(guests) != n {
		return "", "", "", nil, fmt.Errorf("%d of %d guests joined: %v", len(guests), n, lt.last.firstErr)
	}
	for i := range songs {
		if err := lt.enqueue(code, guests[i%n], fmt.Sprintf("Song number %d", i+1)); err != nil {
			return "", "", "", nil, err
		}
	}
	// One singing (so the night has a Now singing), and the queue again at
	// its full length.
	if err := lt.startNext(host, dash); err != nil {
		return "", "", "", nil, err
	}
	if err := lt.enqueue(code, guests[songs%n], "One more song"); err != nil {
		return "", "", "", nil, err
	}
	return host, dash, code, guests, nil
}

// measureWire measures f's page as a browser asks for it, beside a
// trivial handler answering as many bytes as the page sends on the wire.
func (lt *loadTest) measureWire(ctx context.Context, f *pageFigure, path, cookie, script string, header []string) error {
	resp, body, err := lt.doWith("GET", path, cookie, nil, http.Header{"Accept-Encoding": {browserEncodings}})
	if err != nil {
		return err
	}
	f.encoding, f.wireBytes = resp.Header.Get("Content-Encoding"), len(body)
	base, stop, err := baseline(len(body))
	if err != nil {
		return err
	}
	f.wireBase, f.wireBaseP99, err = wrkRun(ctx, lt.cfg.duration, base, "", nil)
	stop()
	if err != nil {
		return err
	}
	f.wireRate, f.wireP99, err = wrkRun(ctx, lt.cfg.duration, lt.cfg.target+path, script, append(header, "Accept-Encoding: "+browserEncodings))
	return err
}

// cookieScript writes a wrk script that sends GET path with each of
// cookies in turn, so that the load is many guests' pages, not one's, and
// with Accept-Encoding enc unless it is "".
func cookieScript(dir, name, path string, cookies []string, enc string) (string, error) {
	var b strings.Builder
	b.WriteString("local cookies = {\n")
	for _, c := range cookies {
		b.WriteString("  " + strconv.Quote(c) + ",\n")
	}
	b.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n")
	encoding := ""
	if enc != "" {
		encoding = ", [\"Accept-Encoding\"] = " + strconv.Quote(enc)
	}
	b.WriteString("  return wrk.format(\"GET\", " + strconv.Quote(path) + ", {[\"Cookie\"] = cookies[i % #cookies + 1]" + encoding + "})\nend\n")
	file := filepath.Join(dir, name)
	return file, os.WriteFile(file, []byte(b.String()), 0o600)
}

var wrkP99 = regexp.MustCompile(`(?m)^\s+99%\s+(\S+)`)

// wrkRun runs wrk -t2 -c50 for d against url with the headers (or the
// script, when not ""), and returns its requests a second and p99 latency.
// Any answer but 2xx or 3xx (a 304 is one) is an error.
func wrkRun(ctx context.Context, d time.Duration, url, script string, header []string) (float64, time.Duration, error) {
	args := []string{"-t2", "-c50", "-d" + d.String(), "--latency"}
	for _, h := range header {
		args = append(args, "-H", h)
	}
	if script != "" {
		args = append(args, "-s", script)
	}
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		return 0, 0, fmt.Errorf("wrk got errors from %s:\n%s", url, out)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("no rate in wrk's output:\n%s", out)
	}
	rate, _ := strconv.ParseFloat(string(m[1]), 64)
	var p99 time.Duration
	if m := wrkP99.FindSubmatch(out); m != nil {
		p99, _ = time.ParseDuration(string(m[1]))
	}
	return rate, p99, nil
}
