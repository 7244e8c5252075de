package views

import (
	"net/url"
	"strings"
)

// notePart is a piece of a note a guest typed: plain text, or a web address
// the note links to (URL set, Text what it shows).
type notePart struct {
	Text string
	URL  string
}

// noteParts splits a note into text and links. Only http and https
// addresses with a host become links; anything else (javascript:, data:, a
// bare "www.") stays text. A link ends at a space or a character a URL
// never holds unescaped (< > "), and leaves a sentence's closing
// punctuation outside, so "see https://example.com." links the address.
func noteParts(note string) []notePart {
	var parts []notePart
	text := func(s string) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].URL == "" {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, notePart{Text: s})
	}
	for note != "" {
		start := linkStart(note)
		if start < 0 {
			text(note)
			break
		}
		text(note[:start])
		rest := note[start:]
		end := strings.IndexAny(rest, " \t\r\n<>\"")
		if end < 0 {
			end = len(rest)
		}
		link := strings.TrimRight(rest[:end], ".,;:!?'()[]{}")
		if link == "" { // cannot happen: a start is "http"; stay safe
			link = rest[:1]
		}
		if u, err := url.Parse(link); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
			parts = append(parts, notePart{Text: link, URL: u.String()})
		} else {
			text(link)
		}
		note = rest[len(link):]
	}
	return parts
}

// linkStart is where the first http:// or https:// address in s starts
// (in any case, at the start of a word), or -1.
func linkStart(s string) int {
	lower := strings.ToLower(s)
	from := 0
	for {
		i := strings.Index(lower[from:], "http")
		if i < 0 {
			return -1
		}
		i += from
		rest := lower[i:]
		wordStart := i == 0 || !isWordByte(lower[i-1])
		if wordStart && (strings.HasPrefix(rest, "http://") || strings.HasPrefix(rest, "https://")) {
			return i
		}
		from = i + len("http")
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b >= 0x80
}
