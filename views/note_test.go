package views_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/views"
)

// TestNoteLinksOnlyWebAddresses checks that a note's http and https
// addresses become links that give the linked site nothing, and that
// nothing else a guest can type becomes markup: other schemes, quotes
// that try to leave the href, tags.
func TestNoteLinksOnlyWebAddresses(t *testing.T) {
	tests := []struct {
		name  string
		note  string
		links []string // the hrefs, in order
		text  string   // the note as read
	}{
		{"plain", "key -2, duet with Cleo", nil, "key -2, duet with Cleo"},
		{"https", "lyrics: https://example.com/song?a=1&b=2 please", []string{"https://example.com/song?a=1&b=2"}, "lyrics: https://example.com/song?a=1&b=2 please"},
		{"http and a full stop", "see http://example.com/x.", []string{"http://example.com/x"}, "see http://example.com/x."},
		{"in brackets", "(https://example.com)", []string{"https://example.com"}, "(https://example.com)"},
		{"upper case", "HTTPS://EXAMPLE.COM/A", []string{"https://EXAMPLE.COM/A"}, "HTTPS://EXAMPLE.COM/A"},
		{"two", "https://a.example https://b.example", []string{"https://a.example", "https://b.example"}, "https://a.example https://b.example"},
		{"javascript", "javascript:alert(1)", nil, "javascript:alert(1)"},
		// Only the web address inside is a link, never the javascript: around it.
		{"javascript with an http inside", "javascript:alert('http://x')", []string{"http://x"}, "javascript:alert('http://x')"},
		{"data", "data:text/html,<script>alert(1)</script>", nil, "data:text/html,<script>alert(1)</script>"},
		{"no host", "http:// and https:/x", nil, "http:// and https:/x"},
		{"inside a word", "xhttps://example.com", nil, "xhttps://example.com"},
		{"a quote leaving the href", `https://example.com/"onmouseover="alert(1)`, []string{"https://example.com/"}, `https://example.com/"onmouseover="alert(1)`},
		{"a tag after it", `https://example.com/<script>alert(1)</script>`, []string{"https://example.com/"}, `https://example.com/<script>alert(1)</script>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, views.Note(tt.note))
			if got := doc.Find("body").Text(); got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			if n := doc.Find("script, [onmouseover], [onerror]").Length(); n != 0 {
				t.Errorf("%d elements of markup came from the note", n)
			}
			var hrefs []string
			doc.Find("a").Each(func(_ int, a *goquery.Selection) {
				href, _ := a.Attr("href")
				hrefs = append(hrefs, href)
				if rel, _ := a.Attr("rel"); rel != "noopener noreferrer nofollow" {
					t.Errorf("link %s has rel %q", href, rel)
				}
			})
			if got, want := strings.Join(hrefs, " "), strings.Join(tt.links, " "); got != want {
				t.Errorf("links %q, want %q", got, want)
			}
		})
	}
}
