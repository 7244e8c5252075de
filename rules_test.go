package karaoke_test

// The rules DEVELOPERS.md writes down that a program can check. Each test
// names the rule it keeps; when a rule stops fitting, change it there and
// here in the same commit.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxLines is how long a hand-written Go file may grow before it is usually
// two things; a longer one says why in a comment holding longFileReason.
const (
	maxLines       = 350
	longFileReason = "This file is long because"
)

// sourceFile is one file of the tree, as the rules read it.
type sourceFile struct {
	path string // slash-separated, from the top of the tree
	text string
}

func (f sourceFile) test() bool { return strings.HasSuffix(f.path, "_test.go") }

// generated is templ's code, and a file a go:generate program wrote
// (lang/messages_gen.go: its first line says so, as Go's convention has it).
func (f sourceFile) generated() bool {
	first, _, _ := strings.Cut(f.text, "\n")
	return strings.HasSuffix(f.path, "_templ.go") || strings.HasPrefix(first, "// Code generated ") && strings.HasSuffix(first, " DO NOT EDIT.")
}

// treeFiles returns the tree's files whose names end in one of suffixes,
// leaving out generated templ code and what tests write.
func treeFiles(t *testing.T, suffixes ...string) []sourceFile {
	t.Helper()
	var out []sourceFile
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "test-artifacts" || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		for _, s := range suffixes {
			if strings.HasSuffix(path, s) {
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				out = append(out, sourceFile{path: filepath.ToSlash(path), text: string(b)})
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no %v files found: is the test running at the top of the tree?", suffixes)
	}
	return out
}

// TestOnlyRenderDecidesFragmentOrPage: "Do not test HX-Request anywhere
// else" than handlers/render.go.
func TestOnlyRenderDecidesFragmentOrPage(t *testing.T) {
	found := false
	for _, f := range treeFiles(t, ".go") {
		// The load test is a client: it sends the header as a browser does.
		if f.test() || strings.HasPrefix(f.path, "cmd/loadtest/") || !strings.Contains(f.text, "HX-Request") {
			continue
		}
		if f.path == "handlers/render.go" {
			found = true
			continue
		}
		t.Errorf("%s names HX-Request: only handlers/render.go decides fragment or page", f.path)
	}
	if !found {
		t.Error("handlers/render.go does not name HX-Request: has the helper moved? Update DEVELOPERS.md and this test")
	}
}

// TestFormsShowServerFailures: a form route answers its store call with
// h.formShows, which also re-renders the form when the server fails, never
// with isFormError alone, which would leave a bare error page.
func TestFormsShowServerFailures(t *testing.T) {
	for _, f := range treeFiles(t, ".go") {
		if f.test() || f.path == "handlers/render.go" || !strings.Contains(f.text, "isFormError(") {
			continue
		}
		t.Errorf("%s calls isFormError: answer a form's store call with h.formShows (handlers/render.go)", f.path)
	}
}

// TestErrorsRecognisedByType: an error is told apart with errors.Is or
// errors.As, never by a substring of its message.
func TestErrorsRecognisedByType(t *testing.T) {
	byText := regexp.MustCompile(`strings\.(Contains|HasPrefix|HasSuffix|Index)\(\s*err`)
	for _, f := range treeFiles(t, ".go") {
		if f.test() {
			continue
		}
		for i, line := range strings.Split(f.text, "\n") {
			if byText.MatchString(line) {
				t.Errorf("%s:%d reads an error's text: %s", f.path, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestEventNamesAreConstants: a live event's name is one constant, used by
// the component that swaps it in and by the stream that sends it.
func TestEventNamesAreConstants(t *testing.T) {
	literal := regexp.MustCompile(`sse-(swap|close)="|hx-trigger="sse:`)
	swaps := 0
	for _, f := range treeFiles(t, ".templ") {
		swaps += strings.Count(f.text, "sse-swap={")
		for i, line := range strings.Split(f.text, "\n") {
			if literal.MatchString(line) {
				t.Errorf("%s:%d names a live event with a string: use a views.Event constant: %s", f.path, i+1, strings.TrimSpace(line))
			}
		}
	}
	if swaps == 0 {
		t.Error("no sse-swap={…} in any component: has the way events are named changed? Update DEVELOPERS.md and this test")
	}
}

// TestGuestTextIsNeverRaw: templ escapes what a person typed; nothing goes
// around it.
func TestGuestTextIsNeverRaw(t *testing.T) {
	for _, f := range treeFiles(t, ".templ", ".go") {
		if f.test() || f.generated() {
			continue
		}
		if strings.Contains(f.text, "templ.Raw(") {
			t.Errorf("%s uses templ.Raw", f.path)
		}
	}
}

// TestFilesStaySmall: a hand-written Go file over maxLines lines is usually
// two things; split it by job, or say in it why not.
func TestFilesStaySmall(t *testing.T) {
	for _, f := range treeFiles(t, ".go") {
		if f.generated() {
			continue
		}
		if n := strings.Count(f.text, "\n"); n > maxLines && !strings.Contains(f.text, longFileReason) {
			t.Errorf("%s has %d lines (at most %d, or a comment saying %q…)", f.path, n, maxLines, longFileReason)
		}
	}
}

// TestTestsWaitOneWay: a test that waits for something to become so uses
// wait.Eventually, not a loop of its own.
func TestTestsWaitOneWay(t *testing.T) {
	pollLoop := regexp.MustCompile(`for .*time\.(Now\(\)\.Before|Since)\(`)
	for _, f := range treeFiles(t, "_test.go") {
		for i, line := range strings.Split(f.text, "\n") {
			if pollLoop.MatchString(line) {
				t.Errorf("%s:%d polls by hand: use wait.Eventually (internal/wait)", f.path, i+1)
			}
		}
	}
}

// TestSettingsReadInOnePlace: the environment is read by cmd/karaoke, which
// hands os.Getenv to app.FromEnv; everything else gets typed values. Test
// helpers (internal/) may read their own settings.
func TestSettingsReadInOnePlace(t *testing.T) {
	for _, f := range treeFiles(t, ".go") {
		if f.test() || strings.HasPrefix(f.path, "internal/") || strings.HasPrefix(f.path, "cmd/") {
			continue
		}
		if strings.Contains(f.text, "os.Getenv(") || strings.Contains(f.text, "os.LookupEnv(") {
			t.Errorf("%s reads the environment: parse the setting in app/config.go", f.path)
		}
	}
}

// TestEveryHandlerNamesItsRoute: a handler is a method handleThingVerb with
// a comment naming its route, and routes.go, the table of contents, lists
// it.
func TestEveryHandlerNamesItsRoute(t *testing.T) {
	routes, err := os.ReadFile("handlers/routes.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	handlers := 0
	for _, f := range treeFiles(t, ".go") {
		if !strings.HasPrefix(f.path, "handlers/") || f.test() {
			continue
		}
		file, err := parser.ParseFile(fset, f.path, f.text, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !strings.HasPrefix(fn.Name.Name, "handle") {
				continue
			}
			handlers++
			name := fn.Name.Name
			if doc := fn.Doc.Text(); !strings.HasPrefix(doc, name+" serves ") && !strings.HasPrefix(doc, name+" answers ") {
				t.Errorf("%s: %s's comment should start %q and name its route", f.path, name, name+" serves")
			}
			if !strings.Contains(string(routes), "h."+name+")") {
				t.Errorf("%s: %s is not in handlers/routes.go", f.path, name)
			}
		}
	}
	if handlers < 10 {
		t.Errorf("found %d handlers: has the naming changed? Update DEVELOPERS.md and this test", handlers)
	}
}

// TestClockTimesInTheNightsZone: "Clock times shown to people use
// Session.Zone(), never time.Local": a page or a message that formats a
// time in the server's zone shows the wrong hour to a venue elsewhere.
func TestClockTimesInTheNightsZone(t *testing.T) {
	local := regexp.MustCompile(`\.Local\(\)|\.In\(time\.Local\)`)
	for _, f := range treeFiles(t, ".go") {
		if f.test() || !(strings.HasPrefix(f.path, "handlers/") || strings.HasPrefix(f.path, "views/") || strings.HasPrefix(f.path, "db/")) {
			continue
		}
		for i, line := range strings.Split(f.text, "\n") {
			if local.MatchString(line) {
				t.Errorf("%s:%d shows a time in the server's zone: use the session's (Session.Zone()): %s", f.path, i+1, strings.TrimSpace(line))
			}
		}
	}
}
