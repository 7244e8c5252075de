package lang

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// storedNotice is a say notice's English format as a pattern that finds
// its arguments in a text made from it.
type storedNotice struct {
	format string
	re     func() *regexp.Regexp
}

// noticePattern is format (whose only verbs are %s) as a pattern: each %s
// a group of text, compiled when a stored notice is first said again (the
// host log), not at start-up.
func noticePattern(format string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(format), "%s", "(.+?)") + "$")
	})
}

// Say is a message the code writes in English as a format and its
// arguments (a store error, a limit's refusal: db.Errorf's format), in l.
// The format is found among the "say" messages of the English files
// (AREA.say.NAME) by its exact text, and the language's text of that
// message is the format filled with args; a string argument that is a say
// word (AREA.say.word.NAME: "song title") is said in l too. A format no file has is
// filled as it is, in English.
func (l Lang) Say(format string, args ...any) string {
	l = l.ready()
	id, ok := l.said[format]
	if !ok {
		if s, one := args[0:min(1, len(args))], len(args) == 1; format == "%s" && one {
			if text, isText := s[0].(string); isText {
				if id, known := l.said[text]; known {
					return l.T(id) // a message passed whole: Errorf(code, "%s", msg)
				}
				return text
			}
		}
		if len(args) == 0 {
			return format
		}
		return fmt.Sprintf(format, args...)
	}
	text := l.T(id)
	if len(args) == 0 {
		return text
	}
	said := make([]any, len(args))
	for i, a := range args {
		said[i] = a
		if s, ok := a.(string); ok {
			if id, known := l.said[s]; known && strings.Contains(id, ".say.word.") {
				said[i] = l.T(id)
			}
		}
	}
	return fmt.Sprintf(text, said...)
}

// Stored is a notice that was written in English and kept (a host
// action's words to a guest, stored with the action), in l: the text is
// matched against the say notices (AREA.say.notice.NAME) and said again
// with the arguments found in it; a text no notice makes is left as it is.
func (l Lang) Stored(english string) string {
	l = l.ready()
	for _, n := range l.stored {
		m := n.re().FindStringSubmatch(english)
		if m == nil {
			continue
		}
		args := make([]any, 0, len(m)-1)
		for _, a := range m[1:] {
			args = append(args, a)
		}
		return l.Say(n.format, args...)
	}
	return l.Text(english)
}

// Text is a message the code writes whole in English (a fixed store error
// or refusal), in l: Say with no arguments to fill.
func (l Lang) Text(english string) string { return l.Say("%s", english) }
