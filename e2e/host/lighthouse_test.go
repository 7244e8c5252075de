package host_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// lighthouseVersion is the Lighthouse the check runs, installed from npm
// into the tests' cache: the newest that runs on the Node of Debian's
// stable (Lighthouse 13 needs Node 22.19).
const lighthouseVersion = "12.8.2"

// lighthouseTargets are issue 18's goal 3, for the median of the runs.
var lighthouseTargets = map[string]float64{"performance": 95, "accessibility": 100, "best-practices": 100}

var lighthouseCategories = []string{"performance", "accessibility", "best-practices"}

// TestLighthouse runs Lighthouse (mobile, its defaults) on the home, join,
// guest, dashboard and TV pages of a busy night on the real server with
// the real defaults, five times a page (Total Blocking Time swings widely
// on a 2-core machine), prints the medians and fails a page whose median
// misses a target. It takes minutes, so it runs only when asked:
//
//	KARAOKE_LIGHTHOUSE=1 go test ./e2e/host -run TestLighthouse -v -timeout 60m
//
// KARAOKE_LIGHTHOUSE_RUNS changes the number of runs a page,
// KARAOKE_LIGHTHOUSE_PAGES (home,join,guest,dashboard,display) picks pages
// and KARAOKE_LIGHTHOUSE_ONLY (performance) categories, for a quick look
// while working, and KARAOKE_LIGHTHOUSE_TRACES=1 keeps each run's trace
// too (Lighthouse's --save-assets; see mainThread). Every report is kept as
// test-artifacts/lighthouse/PAGE-RUN.json, to read what decided a score.
func TestLighthouse(t *testing.T) {
	if os.Getenv("KARAOKE_LIGHTHOUSE") == "" {
		t.Skip("slow: KARAOKE_LIGHTHOUSE=1 go test ./e2e/host -run TestLighthouse -v -timeout 60m")
	}
	runs := 5
	if n, err := strconv.Atoi(os.Getenv("KARAOKE_LIGHTHOUSE_RUNS")); err == nil && n > 0 {
		runs = n
	}
	categories := lighthouseCategories
	if only := os.Getenv("KARAOKE_LIGHTHOUSE_ONLY"); only != "" {
		categories = strings.Split(only, ",")
	}
	cli := filepath.Join(npmtest.Install(t, "lighthouse", lighthouseVersion), "cli", "index.js")
	chrome, err := browsertest.ChromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	s := e2etest.StartServer(t)
	pages := lighthousePages(t, s)
	if only := os.Getenv("KARAOKE_LIGHTHOUSE_PAGES"); only != "" {
		pages = slices.DeleteFunc(pages, func(p lighthousePage) bool { return !slices.Contains(strings.Split(only, ","), p.name) })
	}
	out := filepath.Join(browsertest.ArtifactDir(t), "lighthouse")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\nLighthouse %s, mobile, median of %d runs a page\n%-10s", lighthouseVersion, runs, "page")
	for _, c := range categories {
		fmt.Printf(" %15s", c)
	}
	for _, m := range lighthouseMetrics {
		fmt.Printf(" %7s", m.name)
	}
	fmt.Printf(" %9s\n", "load")
	for _, p := range pages {
		scores := map[string][]float64{}
		var weak map[string]string
		var costs []threadCost
		load := loadAverage()
		for i := range runs {
			report := filepath.Join(out, fmt.Sprintf("%s-%d.json", p.name, i))
			args := []string{cli, p.url, "--quiet", "--output=json", "--output-path=" + report,
				"--only-categories=" + strings.Join(categories, ","),
				"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"}
			args = append(args, "--save-assets") // the trace, for mainThread
			if p.cookie != "" {
				h, _ := json.Marshal(map[string]string{"Cookie": p.cookie})
				args = append(args, "--extra-headers="+string(h))
			}
			// On a busy machine Lighthouse sometimes fails to record the
			// load's trace (NO_NAVSTART): such a run is run again.
			for try := 1; ; try++ {
				cmd := exec.Command("node", args...)
				cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
				b, err := cmd.CombinedOutput()
				if err == nil {
					break
				}
				if try == 3 {
					t.Fatalf("lighthouse %s: %v\n%s", p.name, err, b)
				}
				t.Logf("lighthouse %s, run %d failed, again: %v\n%s", p.name, i+1, err, b)
			}
			got, audits := readLighthouse(t, report)
			for c, v := range got {
				scores[c] = append(scores[c], v)
			}
			weak = audits
			load += " " + loadAverage()
			trace := strings.TrimSuffix(report, ".json") + "-0.trace.json"
			cost := mainThread(t, trace)
			scores["cpu"] = append(scores["cpu"], cost.CPU)
			scores["cpuTBT"] = append(scores["cpuTBT"], cost.Blocking)
			costs = append(costs, cost)
			if os.Getenv("KARAOKE_LIGHTHOUSE_TRACES") == "" {
				os.Remove(trace)
				os.Remove(strings.TrimSuffix(report, ".json") + "-0.devtoolslog.json")
			}
		}
		row := fmt.Sprintf("%-10s", p.name)
		var missed []string
		for _, c := range categories {
			m := median(scores[c])
			row += fmt.Sprintf(" %15.0f", m)
			if m < lighthouseTargets[c] {
				missed = append(missed, fmt.Sprintf("%s: %s median %.0f (runs %v), target %.0f", p.name, c, m, scores[c], lighthouseTargets[c]))
			}
		}
		for _, m := range lighthouseMetrics {
			row += fmt.Sprintf(" %7s", fmt.Sprintf(m.format, median(scores[m.audit])))
		}
		fmt.Printf("%s  %s\n", row, load)
		fmt.Printf("%-10s %s\n", "", blockingTasks(costs))
		for _, m := range missed {
			t.Error(m)
		}
		for _, id := range slices.Sorted(func(yield func(string) bool) {
			for id := range weak {
				if !yield(id) {
					return
				}
			}
		}) {
			t.Logf("%s, last run: %s %s", p.name, id, weak[id])
		}
	}
}

// lighthouseMetrics are the measures printed beside the scores (medians),
// which say why a performance score is what it is: Total Blocking Time
// decides it on this machine kind. The last two are read from the trace
// (see mainThread): what the page itself costs the main thread, whatever
// else the machine is doing.
var lighthouseMetrics = []struct{ name, audit, format string }{
	{"FCP ms", "first-contentful-paint", "%.0f"},
	{"LCP ms", "largest-contentful-paint", "%.0f"},
	{"TBT ms", "total-blocking-time", "%.0f"},
	{"CLS", "cumulative-layout-shift", "%.3f"},
	{"CPU ms", "cpu", "%.0f"},
	{"cpuTBT", "cpuTBT", "%.0f"},
}

// loadAverage is the machine's load over the last minute, printed with
// each page's row: TBT grows with it, so a score is read beside it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

type lighthousePage struct{ name, url, cookie string }

// lighthousePages opens a night as a host would over HTTP, fills it with
// a busy night's guests and songs, joins one guest more, and returns the
// pages to check with the cookies each needs.
func lighthousePages(t *testing.T, s *e2etest.Server) []lighthousePage {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(s.Base+"/sessions", url.Values{"name": {"Lighthouse night"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	dash := resp.Request.URL.String()
	code := e2etest.SeedBusyNight(t, s, dash, 12, 30)
	guestJar, _ := cookiejar.New(nil)
	guest := &http.Client{Jar: guestJar}
	resp, err = guest.PostForm(s.Base+"/j/"+code+"/join", url.Values{"name": {"Lighthouse"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("join: status %d", resp.StatusCode)
	}
	cookies := func(j http.CookieJar, u string) string {
		parsed, _ := url.Parse(u)
		var parts []string
		for _, c := range j.Cookies(parsed) {
			parts = append(parts, c.Name+"="+c.Value)
		}
		return strings.Join(parts, "; ")
	}
	guestURL := s.Base + "/j/" + code + "/"
	return []lighthousePage{
		{"home", s.Base + "/", ""},
		{"join", guestURL, ""},
		{"guest", guestURL, cookies(guestJar, guestURL)},
		{"dashboard", dash, cookies(jar, dash)},
		{"display", s.Base + "/d/" + code + "/", ""},
	}
}

// readLighthouse reads a JSON report: each category's score (0–100) and
// each of lighthouseMetrics' values by its audit's id, and the audits that
// scored under 0.9, with what they measured.
func readLighthouse(t *testing.T, path string) (map[string]float64, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Categories map[string]struct {
			Score *float64 `json:"score"`
		} `json:"categories"`
		Audits map[string]struct {
			Score        *float64 `json:"score"`
			DisplayValue string   `json:"displayValue"`
			NumericValue *float64 `json:"numericValue"`
			Mode         string   `json:"scoreDisplayMode"`
		} `json:"audits"`
	}
	if err := json.Unmarshal(b, &report); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	scores := map[string]float64{}
	for c, v := range report.Categories {
		if v.Score != nil {
			scores[c] = 100 * *v.Score
		}
	}
	for _, m := range lighthouseMetrics {
		if a := report.Audits[m.audit]; a.NumericValue != nil {
			scores[m.audit] = *a.NumericValue
		}
	}
	weak := map[string]string{}
	for id, a := range report.Audits {
		if a.Score != nil && *a.Score < 0.9 && (a.Mode == "binary" || a.Mode == "numeric" || a.Mode == "metricSavings") {
			weak[id] = fmt.Sprintf("score %.2f %s", *a.Score, a.DisplayValue)
		}
	}
	return scores, weak
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
