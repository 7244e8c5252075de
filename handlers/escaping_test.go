package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// xssPayloads are typed into every field; each must come back as the same
// text, never as markup.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' autofocus onfocus='alert(1)`,
	`</title><svg onload=alert(1)>`,
}

func TestTypedTextIsShownAsText(t *testing.T) {
	for i, payload := range xssPayloads {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			app := newTestApp(t)
			host := app.browser()
			dash, code := host.hostSession("S " + payload)
			guest := app.browser()
			guest.join(code, "N "+payload)
			guest.do("POST", "/j/"+code+"/requests", url.Values{"title": {"T " + payload}, "artist": {"A " + payload}, "note": {"O " + payload}})
			other := app.guest(code, "Bob")
			removeURL, _ := host.get(dash).testid("remove-singer").Attr("href")

			pages := map[string]response{
				"join page":      app.browser().get("/j/" + code),
				"guest page":     guest.get("/j/" + code),
				"other's page":   other.get("/j/" + code),
				"display":        app.browser().get("/d/" + code),
				"dashboard":      host.get(dash),
				"end page":       host.get(dash + "/end"),
				"remove page":    host.get(removeURL),
				"refused title":  guest.do("POST", "/j/"+code+"/requests", url.Values{"title": {strings.Repeat("x", 100) + payload}}),
				"refused name":   app.browser().do("POST", "/j/"+code+"/join", url.Values{"name": {strings.Repeat("x", 40) + payload}}),
				"refused create": app.browser().do("POST", "/sessions", url.Values{"name": {strings.Repeat("x", 60) + payload}}),
			}
			want := map[string][]string{
				"join page":      {"S "},
				"guest page":     {"S ", "N ", "T ", "A "},
				"other's page":   {"N ", "T ", "A "},
				"display":        {"S ", "N ", "T ", "A "},
				"dashboard":      {"S ", "N ", "T ", "A ", "O "},
				"end page":       {"S "},
				"remove page":    {"S ", "N "},
				"refused title":  {"x"},
				"refused name":   {"x"},
				"refused create": {"x"},
			}
			for name, resp := range pages {
				// Markup the payload would make if it were not escaped.
				if n := resp.doc.Find("script:not([src]), img[src=x], svg, [onerror], [onfocus], [onload]").Length(); n != 0 {
					t.Errorf("%s: %d elements made from typed text", name, n)
				}
				if strings.Contains(resp.body, payload) {
					t.Errorf("%s: the payload is in the HTML unescaped", name)
				}
				// And it is there, as text or as a form value.
				var shown strings.Builder
				shown.WriteString(resp.doc.Text())
				resp.doc.Find("input").Each(func(_ int, s *goquery.Selection) {
					v, _ := s.Attr("value")
					shown.WriteString(v)
				})
				for _, prefix := range want[name] {
					if !strings.Contains(shown.String(), prefix+payload) {
						t.Errorf("%s: %q is not shown as text", name, prefix+payload)
					}
				}
			}
		})
	}
}
