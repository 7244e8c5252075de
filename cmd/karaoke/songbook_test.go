package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// writeList writes a song list of n songs, "Artist i - Title i", and
// returns its path.
func writeList(t *testing.T, n int, title string) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "SC%04d-01 - Artist %d - %s %d.cdg\n", i, i, title, i)
	}
	path := filepath.Join(t.TempDir(), title+".txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sessionSongbook reads, beside the running server, the songbook of the
// session whose dashboard is dash.
func sessionSongbook(t *testing.T, dataDir, dash string) (db.Songbook, error) {
	t.Helper()
	id, err := strconv.ParseInt(regexp.MustCompile(`/host/(\d+)`).FindStringSubmatch(dash)[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(context.Background(), "file:"+filepath.Join(dataDir, "karaoke.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	return store.SessionSongbook(context.Background(), id)
}

// TestSongbookCommands imports, lists and removes a house songbook beside a
// running server, and a new session gets it.
func TestSongbookCommands(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	out, err := command(dataDir, "songbook", "import", writeList(t, 3000, "Song"), "--name", "House list")
	if err != nil || !strings.Contains(out, `"House list": 3000 songs`) {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = command(dataDir, "songbook", "list")
	if err != nil || !regexp.MustCompile(`(?m)^1\thouse\t3000 songs\t.*\tHouse list$`).MatchString(out) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	_, dash, _, _ := night(t, srv.base)
	if book, err := sessionSongbook(t, dataDir, dash); err != nil || book.ID != 1 {
		t.Errorf("a new session's songbook = %+v, %v; want the house's", book, err)
	}
	png := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), 0o600)
	if out, err := command(dataDir, "songbook", "import", png); err == nil || !strings.Contains(out, "not a song list") {
		t.Errorf("import of an image: %v\n%s", err, out)
	}
	if out, err := command(dataDir, "songbook", "remove", "1"); err != nil || !strings.Contains(out, "removed songbook 1") {
		t.Fatalf("remove: %v\n%s", err, out)
	}
	if out, err := command(dataDir, "songbook", "list"); err != nil || out != "" {
		t.Errorf("list after remove: %v\n%q", err, out)
	}
	if _, err := sessionSongbook(t, dataDir, dash); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("the session's songbook after remove: %v, want none", err)
	}
	if out, err := command(dataDir, "songbook", "remove", "1"); err == nil {
		t.Errorf("a second remove succeeded:\n%s", out)
	}
}

// TestKilledSongbookImport kills an import mid-way with SIGKILL: the house
// songbook there was stays whole, and new sessions still get it.
func TestKilledSongbookImport(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	if out, err := command(dataDir, "songbook", "import", writeList(t, 100, "Old")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, "songbook", "import", writeList(t, 60_000, "New"))
	cmd.Env = append(os.Environ(), "DATA_DIR="+dataDir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first progress line says a chunk is in: kill it there.
	progress, err := bufio.NewReader(stdout).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil || !strings.Contains(progress, "songs") {
		t.Fatalf("progress before the kill: %q, %v", progress, err)
	}
	out, err := command(dataDir, "songbook", "list")
	if err != nil || !regexp.MustCompile(`(?m)\A1\thouse\t100 songs\t.*\tOld\n\z`).MatchString(out) {
		t.Errorf("list after a killed import: %v\n%s", err, out)
	}
	_, dash, _, _ := night(t, srv.base)
	if book, err := sessionSongbook(t, dataDir, dash); err != nil || book.ID != 1 || book.Songs != 100 {
		t.Errorf("a new session's songbook = %+v, %v; want the old one", book, err)
	}
}
