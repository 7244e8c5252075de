package lang

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// idPattern is what a message ID looks like: its area, then at least one
// more part ("guest.join.title").
// The tv and push areas' IDs have two parts at least, so that a script's
// file name ("push.js", "tv.js") is not taken for one.
var idPattern = regexp.MustCompile(`^(common|guest|host)(\.[a-z0-9_]+)+$|^(tv|push)(\.[a-z0-9_]+){2,}$`)

// TestEveryKeyInEveryLanguage is the CI key check: every message ID the
// code names exists in every language's file of its area, every file of a
// language has exactly the English file's IDs, and no ID in the files goes
// unused. A say message (AREA.say.NAME, see Lang.Say) is named in the code
// by its English text, so it is used when that text is a string literal of
// the code.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	files, english := messageIDs(t, os.DirFS("messages"), ".")
	used, literals := usedIDs(t, "..")
	if len(used) < 50 {
		t.Fatalf("found only %d message IDs in the code: the scan is broken", len(used))
	}
	for id, text := range english {
		if strings.Contains(id, ".say.") && literals[text] {
			used[id] = true
		}
	}
	for _, problem := range keyProblems(files, used) {
		t.Error(problem)
	}
}

// TestKeyCheckFails shows the key check finding each kind of fault.
func TestKeyCheckFails(t *testing.T) {
	good := map[string]map[string][]string{
		"guest": {"en": {"guest.a.b", "guest.a.c"}, "es": {"guest.a.b", "guest.a.c"}},
	}
	used := map[string]bool{"guest.a.b": true, "guest.a.c": true}
	if p := keyProblems(good, used); len(p) != 0 {
		t.Fatalf("a sound set of files: %q", p)
	}
	tests := []struct {
		name  string
		files map[string]map[string][]string
		used  map[string]bool
		want  string
	}{
		{"missing in Spanish", map[string]map[string][]string{"guest": {"en": {"guest.a.b", "guest.a.c"}, "es": {"guest.a.b"}}}, used, "guest.a.c is missing from guest.es.toml"},
		{"only in Spanish", map[string]map[string][]string{"guest": {"en": {"guest.a.b"}, "es": {"guest.a.b", "guest.a.c"}}}, map[string]bool{"guest.a.b": true}, "guest.a.c in guest.es.toml is not in guest.en.toml"},
		{"unused", good, map[string]bool{"guest.a.b": true}, "guest.a.c is in guest.en.toml but no code uses it"},
		{"used, not in the files", good, map[string]bool{"guest.a.b": true, "guest.a.c": true, "guest.a.d": true}, "guest.a.d is used in the code but is in no guest.en.toml"},
		{"a language without an area", map[string]map[string][]string{"guest": good["guest"], "common": {"en": {"common.x"}}}, map[string]bool{"guest.a.b": true, "guest.a.c": true, "common.x": true}, "common.es.toml is missing"},
		{"in the wrong area", map[string]map[string][]string{"guest": {"en": {"guest.a.b", "common.y"}, "es": {"guest.a.b", "common.y"}}}, map[string]bool{"guest.a.b": true, "common.y": true}, "common.y is in guest.en.toml, not common"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keyProblems(tt.files, tt.used)
			if !slices.Contains(got, tt.want) {
				t.Errorf("problems = %q, want %q among them", got, tt.want)
			}
		})
	}
}

// keyProblems checks message files (area → language → IDs) against the
// IDs the code uses.
func keyProblems(files map[string]map[string][]string, used map[string]bool) []string {
	var out []string
	langs := map[string]bool{}
	for _, byLang := range files {
		for l := range byLang {
			langs[l] = true
		}
	}
	inFiles := map[string]bool{}
	for area, byLang := range files {
		english := byLang["en"]
		for l := range langs {
			if _, ok := byLang[l]; !ok {
				out = append(out, area+"."+l+".toml is missing")
			}
		}
		for _, id := range english {
			inFiles[id] = true
			if !strings.HasPrefix(id, area+".") && id != area {
				out = append(out, id+" is in "+area+".en.toml, not "+strings.SplitN(id, ".", 2)[0])
			}
			if !used[id] {
				out = append(out, id+" is in "+area+".en.toml but no code uses it")
			}
		}
		for l, ids := range byLang {
			if l == "en" {
				continue
			}
			for _, id := range english {
				if !slices.Contains(ids, id) {
					out = append(out, id+" is missing from "+area+"."+l+".toml")
				}
			}
			for _, id := range ids {
				if !slices.Contains(english, id) {
					out = append(out, id+" in "+area+"."+l+".toml is not in "+area+".en.toml")
				}
			}
		}
	}
	for id := range used {
		if !inFiles[id] {
			out = append(out, id+" is used in the code but is in no "+strings.SplitN(id, ".", 2)[0]+".en.toml")
		}
	}
	slices.Sort(out)
	return out
}

// messageIDs reads every AREA.LANG.toml in dir: area → language → IDs,
// and the English text of each ID.
func messageIDs(t *testing.T, fsys fs.FS, dir string) (map[string]map[string][]string, map[string]string) {
	t.Helper()
	names, err := fs.Glob(fsys, filepath.Join(dir, "*.toml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("message files: %v (%d)", err, len(names))
	}
	out, english := map[string]map[string][]string{}, map[string]string{}
	for _, name := range names {
		parts := strings.Split(filepath.Base(name), ".")
		if len(parts) != 3 {
			t.Fatalf("%s: a message file is named AREA.LANG.toml", name)
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := i18n.ParseMessageFileBytes(buf, name, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if out[parts[0]] == nil {
			out[parts[0]] = map[string][]string{}
		}
		for _, m := range mf.Messages {
			out[parts[0]][parts[1]] = append(out[parts[0]][parts[1]], m.ID)
			if parts[1] == "en" {
				english[m.ID] = m.Other
			}
		}
	}
	return out, english
}

// usedIDs are the string literals in the tree's Go files (generated templ
// code included, tests, testdata and the message files written as Go left
// out) that are message IDs, and all of their string literals.
func usedIDs(t *testing.T, root string) (used, literals map[string]bool) {
	t.Helper()
	used, literals = map[string]bool{}, map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || (strings.HasPrefix(d.Name(), ".") && path != root)) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(filepath.ToSlash(path), "lang/messages_gen.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile(path, -1, len(src)), src, nil, 0)
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				return nil
			}
			if tok != token.STRING {
				continue
			}
			v, err := strconv.Unquote(lit)
			if err != nil {
				continue
			}
			literals[v] = true
			if idPattern.MatchString(v) {
				used[v] = true
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return used, literals
}
