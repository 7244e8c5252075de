package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// phone is one person's browser over plain HTTP: their cookies, against
// the server at base.
type phone struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newPhone(t *testing.T, base string) *phone {
	jar, _ := cookiejar.New(nil)
	return &phone{t: t, base: base, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// open fetches a page (following redirects) and returns its document and final URL.
func (p *phone) open(method, target string, form url.Values) (*goquery.Document, *url.URL) {
	p.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = p.base + target
	}
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = p.client.PostForm(target, form)
	} else {
		resp, err = p.client.Get(target)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("%s %s: status %d", method, target, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return doc, resp.Request.URL
}

func (p *phone) bytes(path string) []byte {
	p.t.Helper()
	resp, err := p.client.Get(p.base + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	return b
}

func texts(doc *goquery.Document, selector string) []string {
	var out []string
	doc.Find(selector).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.Join(strings.Fields(s.Text()), " ")) })
	return out
}

// startNext presses Start next as the host's dashboard at dash shows it: with
// the turn it ends, as the page's form sends it.
func (p *phone) startNext(dash string) *goquery.Document {
	p.t.Helper()
	page, _ := p.open("GET", dash, nil)
	ends, _ := page.Find(`[data-testid="next-singer"] input[name="ends"]`).Attr("value")
	doc, _ := p.open("POST", dash+"/next", url.Values{"ends": {ends}})
	return doc
}

// openRow opens the menu of a queue row of the dashboard, as a host
// without JavaScript does (the row's link, a page of its own), and
// returns that page: the row's controls are there, not in the dashboard.
func (p *phone) openRow(row *goquery.Selection) *goquery.Document {
	p.t.Helper()
	link := row.Find(`[data-testid="row-open"]`)
	href, ok := link.Attr("href")
	if row.Length() != 1 || link.Length() != 1 || !ok {
		p.t.Fatalf("%d queue rows with %d menu links, want one of each", row.Length(), link.Length())
	}
	menu, _ := p.open("GET", href, nil)
	return menu
}
