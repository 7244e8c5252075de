package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator's HTTP side: a guest's or host's requests, as a phone would send them.

func newClient(conns int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (lt *loadTest) do(method, path, cookie string, form url.Values) (*http.Response, []byte, error) {
	return lt.doWith(method, path, cookie, form, nil)
}

// doWith is do with extra request headers, such as htmx's.
func (lt *loadTest) doWith(method, path, cookie string, form url.Values, header http.Header) (*http.Response, []byte, error) {
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
	for k, v := range header {
		req.Header[k] = v
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

// createSession starts a session as its host and returns the host's cookies,
// the dashboard's path and the join code.
func (lt *loadTest) createSession(name string) (cookie, dash, code string, err error) {
	resp, _, err := lt.do("POST", "/sessions", "", url.Values{"name": {name}})
	if err != nil {
		return "", "", "", err
	}
	cookie = cookieHeader(resp)
	dash = resp.Header.Get("Location")
	_, page, err := lt.do("GET", dash, cookie, nil)
	if err != nil {
		return "", "", "", err
	}
	m := regexp.MustCompile(`data-testid="join-code">([A-Z0-9]+)<`).FindSubmatch(page)
	if m == nil {
		return "", "", "", fmt.Errorf("no join code on %s", dash)
	}
	return cookie, dash, string(m[1]), nil
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

var endsInput = regexp.MustCompile(`name="ends" value="([^"]*)"`)

// startNext presses Start next as the host's dashboard at dash shows it,
// with the turn it ends. A press another writer beat to it is answered with
// the dashboard (200) and counts as done, as on a night with two host
// devices.
func (lt *loadTest) startNext(cookie, dash string) error {
	ends, ok := lt.turns.Load(dash)
	if !ok {
		// The first press reads the turn from the page; later ones from
		// the answer to the press before, as a host's open dashboard does.
		_, page, err := lt.do("GET", dash, cookie, nil)
		if err != nil {
			return err
		}
		m := endsInput.FindSubmatch(page)
		if m == nil {
			return fmt.Errorf("no Start next on %s", dash)
		}
		ends = string(m[1])
	}
	resp, body, err := lt.doWith("POST", dash+"/next", cookie, url.Values{"ends": {ends.(string)}}, htmxHeader)
	if err == nil && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s/next: %d %s", dash, resp.StatusCode, firstLine(body))
	}
	if m := endsInput.FindSubmatch(body); m != nil {
		lt.turns.Store(dash, string(m[1]))
	}
	return err
}

// htmxHeader marks a request as htmx's, which the dashboard answers with
// its live part alone (and the turn Start next now ends).
var htmxHeader = http.Header{"HX-Request": {"true"}}
