package lang

import (
	"io/fs"

	"github.com/karaoke-night/karaoke/lang/internal/catalog"
)

// Load reads every *.toml file under dir of fsys (AREA.LANG.toml) into a
// Bundle whose default is English, as the shipped bundle is built from
// messages/.
func Load(fsys fs.FS, dir string) (*Bundle, error) {
	files, err := readFiles(fsys, dir)
	if err != nil {
		return nil, err
	}
	return build(files)
}

// readFiles reads the message files under dir of fsys as gencatalog
// writes them into messages_gen.go.
func readFiles(fsys fs.FS, dir string) ([]messageFile, error) {
	read, err := catalog.Read(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := make([]messageFile, 0, len(read))
	for _, f := range read {
		out = append(out, messageFile{name: f.Name, tag: f.Tag, messages: f.Messages})
	}
	return out, nil
}
