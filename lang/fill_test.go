package lang

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestPiecesAsTheExpression: pieces cuts every shipped message, and some
// odd ones, as the regular expression it replaced did.
func TestPiecesAsTheExpression(t *testing.T) {
	texts := []string{"", "plain", "{{.Name}}", "Hi {{ .Name }}, {{.N2}}!", "{{{.Name}}}", "{{.Name.X}}", "{{ .Name | up }}",
		"{{.}}", "{{.9x}}", "{{if .A}}a{{end}}", "a {{.A}} {{", "{{\t.A\n}}", "{{{{.A}}", "}}{{.A}}{{"}
	for _, f := range shippedFiles {
		for _, m := range f.messages {
			texts = append(texts, m.Zero, m.One, m.Two, m.Few, m.Many, m.Other)
		}
	}
	for _, text := range texts {
		if got, want := pieces(text), piecesByExpression(text); !reflect.DeepEqual(got, want) {
			t.Errorf("pieces(%q) = %q, want %q", text, got, want)
		}
	}
}

var fillPattern = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

func piecesByExpression(text string) []piece {
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
