package lang

import "strings"

// piece is a part of a message filled without text/template: its literal
// text, then the data's value named key ("" for none).
type piece struct {
	text, key string
}

// pieces is text cut at each {{.Name}} (spaces allowed inside the braces);
// nil when text has any other template action, which only text/template
// can fill. It is read by hand, not by a regular expression: built for
// every message at start-up, the expression's matching allocated 0.2 MB.
func pieces(text string) []piece {
	var out []piece
	for {
		at := strings.Index(text, "{{")
		if at < 0 {
			return append(out, piece{text: text})
		}
		key, rest, ok := fieldAction(text[at+2:])
		if !ok && strings.HasPrefix(text[at+1:], "{{") {
			// "{{{.Name}}": a brace, then the action.
			at++
			key, rest, ok = fieldAction(text[at+2:])
		}
		if !ok {
			return nil // a literal "{{" left: some other action
		}
		out = append(out, piece{text: text[:at], key: key})
		text = rest
	}
}

// fieldAction reads " .Name }}" at the start of s: the name, and what
// follows the braces.
func fieldAction(s string) (key, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t\n\f\r")
	if !strings.HasPrefix(s, ".") {
		return "", "", false
	}
	s = s[1:]
	n := 0
	for n < len(s) && (s[n] == '_' || 'a' <= s[n] && s[n] <= 'z' || 'A' <= s[n] && s[n] <= 'Z' || n > 0 && '0' <= s[n] && s[n] <= '9') {
		n++
	}
	key, s = s[:n], strings.TrimLeft(s[n:], " \t\n\f\r")
	if n == 0 || !strings.HasPrefix(s, "}}") {
		return "", "", false
	}
	return key, s[2:], true
}
