package lang

import (
	"math"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"

	"golang.org/x/text/language"
)

// TestPluralFormsFromCLDR loads Polish from test-only files: its plural
// forms (one, few, many) come from CLDR's rules, not from English's two.
func TestPluralFormsFromCLDR(t *testing.T) {
	b, err := Load(os.DirFS("testdata"), ".")
	if err != nil {
		t.Fatal(err)
	}
	pl := b.Lang(language.Polish)
	if pl.Tag() != "pl" {
		t.Fatalf("Polish not loaded: %q", pl.Tag())
	}
	for _, tt := range []struct {
		n    int
		want string
	}{
		{1, "1 piosenka"}, {2, "2 piosenki"}, {4, "4 piosenki"}, {5, "5 piosenek"},
		{12, "12 piosenek"}, {22, "22 piosenki"}, {25, "25 piosenek"}, {0, "0 piosenek"},
		{1002, "1\u00a0002 piosenki"},
	} {
		if got := pl.N("test.songs", tt.n, nil); got != tt.want {
			t.Errorf("Polish %d = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got, want := b.Lang(language.English).N("test.songs", 1, nil), "1 song"; got != want {
		t.Errorf("English 1 = %q, want %q", got, want)
	}
	if got, want := b.Lang(language.English).N("test.songs", 1234, nil), "1,234 songs"; got != want {
		t.Errorf("English 1234 = %q, want %q", got, want)
	}
}

// TestChoose picks the switcher's cookie first, then Accept-Language, then
// English.
func TestChoose(t *testing.T) {
	for _, tt := range []struct {
		name, cookie, accept, want string
	}{
		{"nothing", "", "", "en"},
		{"browser Spanish", "", "es-MX,es;q=0.9,en;q=0.5", "es"},
		{"browser German, Swiss", "", "de-CH", "de"},
		{"browser French then German", "", "fr-FR, de;q=0.7", "de"},
		{"browser language we lack", "", "fr-FR, ja;q=0.5", "en"},
		{"cookie beats browser", "de", "es", "de"},
		{"cookie English beats browser", "en", "es", "en"},
		{"cookie of a language we lack", "fr", "es", "es"},
		{"nonsense", "%%%", "!!", "en"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.cookie != "" {
				r.Header.Set("Cookie", CookieName+"="+tt.cookie)
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := Shipped().Choose(r).Tag(); got != tt.want {
				t.Errorf("Choose = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLocalPath keeps the switcher's way back on this site.
func TestLocalPath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/j/abc?x=1", "/j/abc?x=1"},
		{"/", "/"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/a\r\nLocation: https://evil.example", "/"},
		{"/\t/evil.example", "/"},
	} {
		if got := LocalPath(tt.in); got != tt.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNumbersAndTimes formats numbers by the language's grouping.
func TestNumbersAndTimes(t *testing.T) {
	for _, tt := range []struct {
		tag      language.Tag
		n        int
		num, ord string
	}{
		{language.English, 1234, "1,234", "1234th"},
		{language.Spanish, 1234, "1.234", "1.234.º"},
		{language.German, 1234, "1.234", "1.234."},
		{language.English, 22, "22", "22nd"},
		{language.Spanish, 3, "3", "3.º"},
		{language.German, 3, "3", "3."},
	} {
		l := Shipped().Lang(tt.tag)
		if got := l.Int(tt.n); got != tt.num {
			t.Errorf("%s Int(%d) = %q, want %q", tt.tag, tt.n, got, tt.num)
		}
		if got := l.Ordinal(tt.n); got != tt.ord {
			t.Errorf("%s Ordinal(%d) = %q, want %q", tt.tag, tt.n, got, tt.ord)
		}
	}
}

// TestFillMatchesTemplates: a message Tf fills without text/template reads
// exactly as go-i18n's template makes it, in every language.
func TestFillMatchesTemplates(t *testing.T) {
	n := 0
	for _, l := range Shipped().Langs() {
		for id, ps := range l.filled {
			data := map[string]any{}
			for _, p := range ps {
				if p.key != "" {
					data[p.key] = "<" + p.key + " & “x”>"
				}
			}
			if got, want := l.Tf(id, data), l.localize(id, nil, data); got != want {
				t.Errorf("%s %s: filled %q, template %q", l.Tag(), id, got, want)
			}
			n++
		}
	}
	if n < 30 {
		t.Errorf("only %d messages filled without templates", n)
	}
}

// TestIntGroupsAsThePrinter: Int groups digits by hand exactly as each
// language's printer does.
func TestIntGroupsAsThePrinter(t *testing.T) {
	for _, l := range Shipped().Langs() {
		if l.groupSep == "" {
			t.Errorf("%s: Int asks the printer (no separator learnt)", l.Tag())
		}
		for _, n := range []int{1000, -1000, 1234, 9999, 10000, 40321, 999999, 1000000, -1234567, 123456789012, math.MaxInt64, math.MinInt64} {
			if got, want := l.Int(n), l.printer.Sprintf("%d", n); got != want {
				t.Errorf("%s Int(%d) = %q, the printer says %q", l.Tag(), n, got, want)
			}
		}
	}
}

// TestShippedIsTheMessageFiles: the bundle the server builds from
// messages_gen.go holds what messages/*.toml say.
func TestShippedIsTheMessageFiles(t *testing.T) {
	files, err := readFiles(os.DirFS("messages"), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || !reflect.DeepEqual(files, shippedFiles) {
		t.Fatal("messages_gen.go is not messages/*.toml: run go generate ./lang")
	}
}
