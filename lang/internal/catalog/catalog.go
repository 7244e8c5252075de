// Package catalog reads the message files (AREA.LANG.toml) as go-i18n
// parses them. The server does not import it: `go generate ./lang` writes
// what it reads into lang's Go code, so the binary carries neither a TOML
// parser nor a start-up spent parsing (BENCHMARKS.md, issue 18, memory and
// start). lang's tests read the files through it too.
package catalog

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// File is one message file: its name, its language's tag as go-i18n reads
// it from the name, and its messages ordered by ID.
type File struct {
	Name     string
	Tag      string
	Messages []*i18n.Message
}

// Read parses every *.toml file under dir of fsys, in the order of their
// names.
func Read(fsys fs.FS, dir string) ([]File, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	unmarshal := map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal}
	var out []File
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := i18n.ParseMessageFileBytes(buf, name, unmarshal)
		if err != nil {
			return nil, fmt.Errorf("messages %s: %w", name, err)
		}
		// go-i18n gives a file's messages in a map's order.
		slices.SortFunc(mf.Messages, func(a, b *i18n.Message) int { return strings.Compare(a.ID, b.ID) })
		out = append(out, File{Name: path.Base(name), Tag: mf.Tag.String(), Messages: mf.Messages})
	}
	return out, nil
}
