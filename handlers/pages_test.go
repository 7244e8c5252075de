package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNotFound(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	for _, path := range []string{"/j/ZZZZ", "/d/ZZZZ", "/qr/ZZZZ.png", "/host/999", "/nope", "/j/0O1I"} {
		resp := b.get(path)
		if resp.status != http.StatusNotFound && resp.status != http.StatusForbidden {
			t.Errorf("GET %s: status %d", path, resp.status)
		}
		if !resp.isPage() {
			t.Errorf("GET %s: not an HTML page", path)
		}
	}
	if resp := b.get("/j?code=zz-zz"); resp.status != http.StatusNotFound || !strings.Contains(resp.body, "no session with that code") {
		t.Errorf("join by unknown code: status %d", resp.status)
	}
}

func TestJoinByTypedCode(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	typed := strings.ToLower(code[:2]) + " " + code[2:]
	resp := app.browser().get("/j?code=" + url.QueryEscape(typed))
	// To the join link: the guest's pages name the session by its token.
	if link := host.joinLink(dash); resp.status != http.StatusSeeOther || resp.location != link {
		t.Errorf("typed %q: status %d to %q", typed, resp.status, resp.location)
	}
}

func TestHealth(t *testing.T) {
	app := newTestApp(t)
	for _, path := range []string{"/healthz", "/livez"} {
		if resp := app.browser().get(path); resp.status != http.StatusOK {
			t.Errorf("%s: %d", path, resp.status)
		}
	}
	app.store.Close()
	for _, path := range []string{"/healthz", "/livez"} {
		if resp := app.browser().get(path); resp.status != http.StatusServiceUnavailable {
			t.Errorf("%s with the database closed: %d, want 503", path, resp.status)
		}
	}
}

func TestQRImage(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, _ := host.hostSession("Friday")
	src, _ := host.get(dash).testid("join-qr").Attr("src")
	resp := host.get(src)
	if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: status %d, type %q", resp.status, resp.header.Get("Content-Type"))
	}
	if !strings.Contains(resp.header.Get("Cache-Control"), "max-age") || resp.header.Get("ETag") == "" {
		t.Errorf("QR caching headers: %q, ETag %q", resp.header.Get("Cache-Control"), resp.header.Get("ETag"))
	}
	req, _ := http.NewRequest("GET", app.server.URL+src, nil)
	req.Header.Set("If-None-Match", resp.header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", again.StatusCode)
	}
}
