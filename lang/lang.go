// Package lang is the app's languages: the message files (one file per
// area and language, messages/AREA.LANG.toml, compiled in as Go by `go
// generate ./lang`), the language a request reads in, and the words,
// numbers and times of that language.
//
// Adding a language is dropping in its files and running go generate: every
// area's file for the new language (the key check test in this package
// fails until each has every message); nothing else lists the languages.
//
// A message is named by a literal ID, "area.part.name", written out where
// it is used (lang.T(ctx, "guest.join.button")), never built from pieces,
// so that the key check can find every ID the code uses.
package lang

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:generate go run ./gencatalog

// Default is the language of a request that names none the app has.
var Default = language.English

// The bundle is every message file, built once from messages_gen.go (the
// files as Go, written by `go generate ./lang`: parsing the TOML at
// start-up allocated 4.7 MB, most of what a start-up allocates); tests
// build others from test-only files (Load).
var shipped = mustBuild(shippedFiles)

// Bundle is a set of languages and their messages.
type Bundle struct {
	i18n *i18n.Bundle
	// asks are the messages each language's localizer is given, and locs
	// the localizers, made once at the first message that needs one (see
	// localizer).
	asks    map[language.Tag][]*i18n.Message
	once    sync.Once
	locs    map[language.Tag]*i18n.Localizer
	tags    []language.Tag // Default first
	matcher language.Matcher
	langs   map[language.Tag]Lang
	// exact are the languages by their tags' own spelling ("en"), which
	// Match answers without parsing: a night's language is one, asked for
	// on every load of its TV.
	exact map[string]Lang
	// said is the "say" messages by their English text (see Lang.Say).
	said map[string]string
	// stored are the say notices as patterns (see Lang.Stored).
	stored []storedNotice
}

func mustBuild(files []messageFile) *Bundle {
	b, err := build(files)
	if err != nil {
		panic(err)
	}
	return b
}

// Shipped is the bundle of the app's own message files.
func Shipped() *Bundle { return shipped }

// Tags are the bundle's languages, the default first.
func (b *Bundle) Tags() []language.Tag { return b.tags }

// Lang is one of the bundle's languages: the exact tag, not what was asked.
func (b *Bundle) Lang(t language.Tag) Lang {
	if l, ok := b.langs[t]; ok {
		return l
	}
	return b.langs[Default]
}

// Match is the bundle's language that best serves the preferences given
// (a cookie's value, an Accept-Language header), the default when none
// comes close.
func (b *Bundle) Match(prefs ...string) Lang {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		if l, ok := b.exact[p]; ok {
			return l
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := b.matcher.Match(tags...)
		if conf != language.No {
			return b.langs[b.tags[i]]
		}
	}
	return b.langs[Default]
}

// Lang is a language the app speaks: its messages, numbers and times.
// The zero Lang is the default language.
type Lang struct {
	tag     language.Tag
	bundle  *Bundle // its localizer's (see Bundle.localizer)
	printer *message.Printer
	said    map[string]string
	stored  []storedNotice
	fixed   map[string]string  // the messages with nothing to fill, by ID
	filled  map[string][]piece // one-form messages that only fill in {{.Name}}s
	// groupSep is what the printer puts between groups of three digits,
	// "" when it groups them otherwise (Int then asks the printer).
	groupSep string
}

// groupSeparator is what p puts between groups of three digits, learnt
// from two numbers it formats, or "" when it does not group by three in
// ASCII digits.
func groupSeparator(p *message.Printer) string {
	four, seven := p.Sprintf("%d", 1234), p.Sprintf("%d", 1234567)
	sep := strings.TrimSuffix(strings.TrimPrefix(four, "1"), "234")
	if sep == "" || seven != "1"+sep+"234"+sep+"567" || p.Sprintf("%d", -1234) != "-"+four {
		return ""
	}
	return sep
}

func (l Lang) ready() Lang {
	if l.bundle == nil {
		return shipped.Lang(Default)
	}
	return l
}

// Tag is the language's BCP 47 tag, as <html lang> wants it ("en", "es").
func (l Lang) Tag() string { return l.ready().tag.String() }

// Name is the language's name in itself ("Español"), for the switcher.
func (l Lang) Name() string { return l.T("common.lang.name") }

// T is the message id in this language.
func (l Lang) T(id string) string {
	l = l.ready()
	if s, ok := l.fixed[id]; ok {
		return s
	}
	if _, ok := l.filled[id]; ok {
		return l.Tf(id, nil) // as the localizer fills it with no data
	}
	return l.localize(id, nil, nil)
}

// Tf is the message id filled with data ({{.Name}} in the message is
// data["Name"]).
func (l Lang) Tf(id string, data map[string]any) string {
	l = l.ready()
	if s, ok := l.fixed[id]; ok {
		return s // nothing in it to fill
	}
	ps, ok := l.filled[id]
	if !ok {
		return l.localize(id, nil, data)
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.text)
		if p.key != "" {
			switch v := data[p.key].(type) {
			case string:
				b.WriteString(v)
			case nil:
				b.WriteString("<no value>") // as text/template says it
			default:
				fmt.Fprint(&b, v)
			}
		}
	}
	return b.String()
}

// N is the message id in the plural form the language uses for count (the
// language's CLDR rules, however many forms it has), filled with data and
// with {{.Count}}, the count formatted for the language.
func (l Lang) N(id string, count int, data map[string]any) string {
	filled := map[string]any{"Count": l.Int(count)}
	for k, v := range data {
		filled[k] = v
	}
	return l.localize(id, count, filled)
}

func (l Lang) localize(id string, count any, data map[string]any) string {
	l = l.ready()
	s, err := l.bundle.localizer(l.tag).Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
	if err != nil {
		// A missing message fails the key check in CI; a live page shows
		// its ID rather than nothing, and says so in the log.
		slog.Error("message", "id", id, "lang", l.tag.String(), "err", err)
		if s == "" {
			return id
		}
	}
	return s
}

// Int is n with the language's digit grouping (1,234 / 1.234).
func (l Lang) Int(n int) string {
	if n > -1000 && n < 1000 {
		return strconv.Itoa(n) // nothing to group
	}
	l = l.ready()
	if l.groupSep == "" {
		return l.printer.Sprintf("%d", n)
	}
	// The printer's own formatting took about a microsecond a number: a
	// guest's queue at 10,000 waiting shows dozens of waits in thousands of
	// minutes.
	digits := strconv.Itoa(n)
	var b strings.Builder
	if digits[0] == '-' {
		b.WriteByte('-')
		digits = digits[1:]
	}
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(l.groupSep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Clock is the time of day at t in 24-hour form (15:04). The app shows
// times the way it always has in English, on the 24-hour clock of a venue's
// rota, and CLDR's Spanish and German short times are 24-hour as well.
func (l Lang) Clock(t time.Time) string { return t.Format("15:04") }

// Ordinal is n as a place in a line: 1st, 2nd (English); 1.º (Spanish);
// 1. (German).
func (l Lang) Ordinal(n int) string {
	switch l.ready().tag {
	case language.English:
		return english(n)
	}
	return l.Tf("common.ordinal", map[string]any{"N": l.Int(n)})
}

func english(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// Langs are the bundle's languages, the default first, as the switcher
// lists them.
func (b *Bundle) Langs() []Lang {
	out := make([]Lang, 0, len(b.tags))
	for _, t := range b.tags {
		out = append(out, b.langs[t])
	}
	return out
}
