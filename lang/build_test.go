package lang

import (
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// TestEveryMessageAsTheLocalizerSaysIt: the shipped bundle, which gives
// go-i18n only the messages that may reach it and answers the rest from
// its own tables, says every message of every language as a localizer
// holding all of them does: as it is, filled, and by count.
func TestEveryMessageAsTheLocalizerSaysIt(t *testing.T) {
	full := i18n.NewBundle(Default)
	for _, f := range shippedFiles {
		if err := full.AddMessages(language.MustParse(f.tag), f.messages...); err != nil {
			t.Fatal(err)
		}
	}
	data := map[string]any{"Name": "Ana", "Count": "3", "Song": "Song 2", "N": "4", "From": "x", "To": "y"}
	checked := 0
	for _, f := range shippedFiles {
		tag := language.MustParse(f.tag)
		l, loc := shipped.Lang(tag), i18n.NewLocalizer(full, tag.String())
		for _, m := range f.messages {
			if oneForm(m) {
				want, err := loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID})
				if got := l.T(m.ID); err != nil || got != want {
					t.Errorf("%s %s: T %q, the localizer %q (%v)", f.tag, m.ID, got, want, err)
				}
				want, err = loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID, TemplateData: data})
				if got := l.Tf(m.ID, data); err != nil || got != want {
					t.Errorf("%s %s: Tf %q, the localizer %q (%v)", f.tag, m.ID, got, want, err)
				}
				checked++
				continue
			}
			for _, n := range []int{0, 1, 2, 5, 22, 1001} {
				filled := map[string]any{"Count": l.Int(n), "Name": "Ana"}
				want, err := loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID, PluralCount: n, TemplateData: filled})
				if got := l.N(m.ID, n, map[string]any{"Name": "Ana"}); err != nil || got != want {
					t.Errorf("%s %s: N(%d) %q, the localizer %q (%v)", f.tag, m.ID, n, got, want, err)
				}
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("checked %d messages", checked)
	}
}

// TestLocalizersMadeAtFirstNeed: a bundle gives go-i18n its messages only
// when a message needs a localizer, not for a page of fixed messages; then
// every language, asked at once from many goroutines (go test -race),
// answers by count from the one set made.
func TestLocalizersMadeAtFirstNeed(t *testing.T) {
	b := mustBuild(shippedFiles)
	for _, l := range b.Langs() {
		l.T("common.app.name")
	}
	if b.locs != nil || b.asks == nil {
		t.Fatal("a fixed message made the localizers")
	}
	var plural string
	for _, m := range shippedFiles[0].messages {
		if !oneForm(m) {
			plural = m.ID
			break
		}
	}
	done := make(chan string)
	for _, l := range b.Langs() {
		for range 4 {
			go func() { done <- l.N(plural, 2, nil) }()
		}
	}
	for range 4 * len(b.Langs()) {
		if got := <-done; got == "" || got == plural {
			t.Errorf("N(%s, 2) = %q", plural, got)
		}
	}
	if len(b.locs) != len(b.Tags()) || b.asks != nil {
		t.Fatalf("%d localizers for %d languages", len(b.locs), len(b.Tags()))
	}
}
