package handlers

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/karaoke-night/karaoke/lang"
)

// The host log's summaries are written in English when the action is
// stored (db/actionsay.go), so that the log reads the same on every
// device and in the export. A page says them again in its reader's
// language: each summary the store writes has a pattern here, whose parts
// (a song, a place in line, a name) are read back and said in lg. A
// summary no pattern matches stays as stored.

// summaryPart is how one part of a summary is said again.
type summaryPart int

const (
	partText  summaryPart = iota // a name or a number, as it is
	partSong                     // "Ana's “Dancing Queen”", or "nobody"
	partPlace                    // "2nd"
	partWhere                    // "on stage" or "2nd in line"
)

// summaryRule is one kind of summary: its English pattern, the message
// that says it and the names of its parts there.
type summaryRule struct {
	re    func() *regexp.Regexp
	id    string
	parts []string
	kinds []summaryPart
}

var (
	songPattern  = lazyRegexp(`^(.+)'s “(.*)”$`)
	placePattern = lazyRegexp(`^(\d+)(?:st|nd|rd|th)$`)
	summaryRules = []summaryRule{
		{lazyRegexp(`^Start next: (.+?) → (.+?) \(passed over (.+), on hold\)$`), "host.log.next_passed", []string{"From", "To", "Names"}, []summaryPart{partSong, partSong, partText}},
		{lazyRegexp(`^Start next: (.+) → (.+)$`), "host.log.next", []string{"From", "To"}, []summaryPart{partSong, partSong}},
		{lazyRegexp(`^Removed guest (.+): (\d+) songs? left the queue$`), "host.log.removed_guest", []string{"Name", "Count"}, []summaryPart{partText, partText}},
		{lazyRegexp(`^Removed (\d+) recent joiners? and closed to new guests$`), "host.log.removed_recent", []string{"Count"}, []summaryPart{partText}},
		{lazyRegexp(`^Removed (.+): (.+) → removed$`), "host.log.removed", []string{"Song", "Where"}, []summaryPart{partSong, partWhere}},
		{lazyRegexp(`^Stopped (.+): (.+) → skipped$`), "host.log.stopped", []string{"Song", "Where"}, []summaryPart{partSong, partWhere}},
		{lazyRegexp(`^Skipped (.+): (.+) → skipped$`), "host.log.skipped", []string{"Song", "Where"}, []summaryPart{partSong, partWhere}},
		{lazyRegexp(`^Moved (.+) up: (\w+) → (\w+)$`), "host.log.moved_up", []string{"Song", "From", "To"}, []summaryPart{partSong, partPlace, partPlace}},
		{lazyRegexp(`^Moved (.+) down: (\w+) → (\w+)$`), "host.log.moved_down", []string{"Song", "From", "To"}, []summaryPart{partSong, partPlace, partPlace}},
		{lazyRegexp(`^Moved (.+) to the top: (\w+) → (\w+)$`), "host.log.moved_top", []string{"Song", "From", "To"}, []summaryPart{partSong, partPlace, partPlace}},
		{lazyRegexp(`^Moved (.+) to the back: (\w+) → (\w+)$`), "host.log.moved_back", []string{"Song", "From", "To"}, []summaryPart{partSong, partPlace, partPlace}},
		{lazyRegexp(`^Walk-up (.+) → (\w+) in line$`), "host.log.walkup", []string{"Song", "Place"}, []summaryPart{partSong, partPlace}},
		{lazyRegexp(`^Approved all: (\d+) waiting songs? → the queue$`), "host.log.approved_all", []string{"Count"}, []summaryPart{partText}},
		{lazyRegexp(`^Approved (.+): waiting for OK → (\w+) in line$`), "host.log.approved", []string{"Song", "Place"}, []summaryPart{partSong, partPlace}},
		{lazyRegexp(`^Declined (.+): waiting for OK → declined$`), "host.log.declined", []string{"Song"}, []summaryPart{partSong}},
		{lazyRegexp(`^Released (.+)'s hold: on hold → in line$`), "host.log.released", []string{"Name"}, []summaryPart{partText}},
		{lazyRegexp(`^New guests: welcome → closed$`), "host.log.guests_closed", nil, nil},
		{lazyRegexp(`^New guests: closed → welcome$`), "host.log.guests_open", nil, nil},
		{lazyRegexp(`^Requests: open → paused$`), "host.log.paused", nil, nil},
		{lazyRegexp(`^Requests: paused → open$`), "host.log.resumed", nil, nil},
		{lazyRegexp(`^Ended the night$`), "host.log.ended", nil, nil},
	}
)

// ruleParts are the parts of a change of the rules ("Rules: a; b"), each
// a setting's name and its value before and after.
var ruleParts = []struct {
	re func() *regexp.Regexp
	id string
}{
	{lazyRegexp(`^songs a singer may have waiting (\d+) → (\d+)$`), "host.log.rule_cap"},
	{lazyRegexp(`^notes on the TV (shown|hidden) → (shown|hidden)$`), "host.log.rule_notes"},
	{lazyRegexp(`^songbook only (on|off) → (on|off)$`), "host.log.rule_songbook_only"},
	{lazyRegexp(`^approval (on|off) → (on|off)$`), "host.log.rule_approval"},
	{lazyRegexp(`^time zone (\S+) → (\S+)$`), "host.log.rule_zone"},
	{lazyRegexp(`^closing (none|\d\d:\d\d) → (none|\d\d:\d\d)$`), "host.log.rule_closing"},
	{lazyRegexp(`^longest hold (\d+) → (\d+) min$`), "host.log.rule_hold"},
	{lazyRegexp(`^language ([a-z-]+) → ([a-z-]+)$`), "host.log.rule_language"}, // the night's language (main's i18n part 2)
}

// ruleValues are the words a change of the rules stores for a value.
var ruleValues = map[string]string{"shown": "host.log.value_shown", "hidden": "host.log.value_hidden",
	"on": "host.log.value_on", "off": "host.log.value_off", "none": "host.log.value_none"}

// sayRules is a change of the rules in lg, part by part; a part no
// pattern knows stays as stored.
func sayRules(lg lang.Lang, parts string) string {
	said := strings.Split(parts, "; ")
	for i, part := range said {
		for _, p := range ruleParts {
			m := p.re().FindStringSubmatch(part)
			if m == nil {
				continue
			}
			values := [2]string{m[1], m[2]}
			for j, v := range values {
				if id, ok := ruleValues[v]; ok {
					values[j] = lg.T(id)
				}
			}
			said[i] = lg.Tf(p.id, map[string]any{"From": values[0], "To": values[1]})
			break
		}
	}
	return lg.Tf("host.log.rules", map[string]any{"Changes": strings.Join(said, lg.T("host.log.rules_sep"))})
}

// saySummary is a stored summary in lg.
func saySummary(lg lang.Lang, summary string) string {
	if parts, ok := strings.CutPrefix(summary, "Rules: "); ok {
		return sayRules(lg, parts)
	}
	for _, rule := range summaryRules {
		m := rule.re().FindStringSubmatch(summary)
		if m == nil {
			continue
		}
		data, count := map[string]any{}, -1
		for i, name := range rule.parts {
			data[name] = sayPart(lg, rule.kinds[i], m[i+1])
			if name == "Count" {
				count, _ = strconv.Atoi(m[i+1])
			}
		}
		if count >= 0 {
			return lg.N(rule.id, count, data)
		}
		return lg.Tf(rule.id, data)
	}
	return summary
}

// sayPart is one part of a summary in lg.
func sayPart(lg lang.Lang, kind summaryPart, s string) string {
	switch kind {
	case partSong:
		if s == "nobody" {
			return lg.T("host.log.nobody")
		}
		if m := songPattern().FindStringSubmatch(s); m != nil {
			return lg.Tf("host.log.song", map[string]any{"Singer": m[1], "Title": m[2]})
		}
	case partPlace:
		if m := placePattern().FindStringSubmatch(s); m != nil {
			n, _ := strconv.Atoi(m[1])
			return lg.Ordinal(n)
		}
	case partWhere:
		if s == "on stage" {
			return lg.T("host.log.on_stage")
		}
		if place, ok := strings.CutSuffix(s, " in line"); ok {
			return lg.Tf("host.log.in_line", map[string]any{"Place": sayPart(lg, partPlace, place)})
		}
	}
	return s
}

// lazyRegexp is expr compiled when first used: the host log's patterns
// are needed only when a host opens the log, and compiling them all at
// start-up allocated 0.3 MB (BENCHMARKS.md, issue 18, memory and start).
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
