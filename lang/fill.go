package lang

import (
	"regexp"
	"strings"
)

// piece is a part of a message filled without text/template: its literal
// text, then the data's value named key ("" for none).
type piece struct {
	text, key string
}

var fillPattern = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// pieces is text cut at each {{.Name}}; nil when text has any other
// template action, which only text/template can fill.
func pieces(text string) []piece {
	var out []piece
	at := 0
	for _, m := range fillPattern.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, piece{text: text[at:m[0]], key: text[m[2]:m[3]]})
		at = m[1]
	}
	out = append(out, piece{text: text[at:]})
	for _, p := range out {
		if strings.Contains(p.text, "{{") {
			return nil
		}
	}
	return out
}
