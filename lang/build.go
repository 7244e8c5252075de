package lang

import (
	"fmt"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// messageFile is a message file (AREA.LANG.toml) as go-i18n parses it.
type messageFile struct {
	name     string
	tag      string
	messages []*i18n.Message
}

// build makes a Bundle whose default is English of message files.
func build(files []messageFile) (*Bundle, error) {
	tags := make([]language.Tag, len(files))
	said, ids := map[string]string{}, map[string]bool{}
	var stored []storedNotice
	for i, f := range files {
		tag, err := language.Parse(f.tag)
		if err != nil {
			return nil, fmt.Errorf("messages %s: %w", f.name, err)
		}
		tags[i] = tag
		for _, m := range f.messages {
			// A message with one form and nothing to fill is said the
			// same every time: it is looked up once (see Lang.T).
			ids[m.ID] = ids[m.ID] || !oneForm(m) || strings.Contains(m.Other, "{{")
		}
		if tag != Default {
			continue
		}
		for _, m := range f.messages {
			if strings.Contains(m.ID, ".say.") {
				said[m.Other] = m.ID
			}
			if strings.Contains(m.ID, ".say.notice.") {
				stored = append(stored, storedNotice{format: m.Other, re: noticePattern(m.Other)})
			}
		}
	}
	b := i18n.NewBundle(Default)
	langs := map[language.Tag]Lang{}
	asks := map[language.Tag][]*i18n.Message{}
	for i, f := range files {
		t := tags[i]
		l, ok := langs[t]
		if !ok {
			l = Lang{tag: t, said: said, stored: stored, fixed: map[string]string{}, filled: map[string][]piece{}}
			langs[t] = l
		}
		// The localizer gets the messages that may reach it: those with
		// something to fill or forms by count, and every English one,
		// which a language missing a message falls back to. The fixed
		// messages of the other languages (half of all) never reach it,
		// and its template for each was 0.4 MB of start-up allocations.
		var asked []*i18n.Message
		for _, m := range f.messages {
			if ids[m.ID] || t == Default {
				asked = append(asked, m)
			}
			if !oneForm(m) {
				continue
			}
			// A text with no "{{" is what the localizer answers for it, as
			// it is; asking the localizer would parse its template.
			if !ids[m.ID] {
				l.fixed[m.ID] = m.Other
			} else if ps := pieces(m.Other); ps != nil {
				l.filled[m.ID] = ps
			}
		}
		// Adding none checks the language has plural rules; the messages
		// are added when one is first asked for (see Bundle.localizer).
		if err := b.AddMessages(t); err != nil {
			return nil, fmt.Errorf("messages %s: %w", f.name, err)
		}
		asks[t] = append(asks[t], asked...)
	}
	bundle := &Bundle{i18n: b, asks: asks, tags: []language.Tag{Default}, langs: map[language.Tag]Lang{}, exact: map[string]Lang{}, said: said, stored: stored}
	for _, t := range b.LanguageTags() {
		if t != Default {
			bundle.tags = append(bundle.tags, t)
		}
	}
	bundle.matcher = language.NewMatcher(bundle.tags)
	for _, t := range bundle.tags {
		l := langs[t]
		l.bundle, l.printer = bundle, message.NewPrinter(t)
		l.groupSep = groupSeparator(l.printer)
		bundle.langs[t] = l
		bundle.exact[t.String()] = l
	}
	return bundle, nil
}

// localizer is go-i18n's localizer of language t. Every localizer is made
// at the first message that needs one (a message with forms by count, or a
// template the app does not fill itself; a start-up's first page needs
// none): go-i18n's templates of the messages were about 0.35 MiB of an idle
// server's memory (BENCHMARKS.md, issue 18, memory and start).
func (b *Bundle) localizer(t language.Tag) *i18n.Localizer {
	b.once.Do(func() {
		b.locs = map[language.Tag]*i18n.Localizer{}
		for _, t := range b.tags {
			b.i18n.AddMessages(t, b.asks[t]...) // its plural rules were checked by build
		}
		for _, t := range b.tags {
			b.locs[t] = i18n.NewLocalizer(b.i18n, t.String())
		}
		b.asks = nil
	})
	return b.locs[t]
}

// oneForm reports whether m is said the same whatever the count.
func oneForm(m *i18n.Message) bool {
	return m.One == "" && m.Few == "" && m.Many == "" && m.Two == "" && m.Zero == ""
}
