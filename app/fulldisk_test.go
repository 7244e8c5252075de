package app_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/karaoke-night/karaoke/app"
)

// smallDisk mounts a fresh 24 MB ext4 file system on a loop device and
// returns its mount point: a real disk that can really fill, which a test
// needs root for. Without root (or the tools), the test is skipped.
func smallDisk(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a loop-device file system needs root")
	}
	for _, tool := range []string{"mkfs.ext4", "mount", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	dir := t.TempDir()
	img, mnt := filepath.Join(dir, "disk.img"), filepath.Join(dir, "mnt")
	if err := os.Mkdir(mnt, 0o750); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(24 << 20)
	f.Close()
	if out, err := exec.Command("mkfs.ext4", "-q", "-F", img).CombinedOutput(); err != nil {
		t.Skipf("mkfs.ext4: %v %s", err, out)
	}
	if out, err := exec.Command("mount", "-o", "loop", img, mnt).CombinedOutput(); err != nil {
		t.Skipf("no loop device here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	return mnt
}

// fillDisk writes zeros under dir until the file system refuses a byte:
// root's reserved blocks too, since the test runs as root.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	// Files that could still take a block or an inode take them now.
	for i := 0; ; i++ {
		g, err := os.Create(filepath.Join(dir, "filler-"+string(rune('a'+i%26))+strings.Repeat("x", i/26)))
		if err != nil {
			break
		}
		_, werr := g.Write(block[:1])
		g.Close()
		if werr != nil {
			break
		}
	}
}

// TestStartsReadOnlyOnAFullDisk: issue 11's restart on a full disk, on a
// real full file system. The server starts, the guest page and the TV page
// serve the night, a guest's write is refused with a message that says the
// disk is full, and /healthz says so with 503.
func TestStartsReadOnlyOnAFullDisk(t *testing.T) {
	mnt := smallDisk(t)
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: mnt, DatabaseURL: "file:" + filepath.Join(mnt, app.DatabaseFile)}
	base, stop := startServer(t, cfg)
	host := newPhone(t, base)
	dash, _ := host.open("POST", "/sessions", url.Values{"name": {"Full night"}})
	code := dash.Find(`[data-testid="join-code"]`).Text()
	stop()

	fillDisk(t, mnt)
	base, _ = startServer(t, cfg) // before the fix: "disk I/O error", and no server
	guest := newPhone(t, base)
	page, _ := guest.open("GET", "/j/"+code, nil)
	if !strings.Contains(page.Text(), "Full night") {
		t.Errorf("guest page on a full disk does not show the night")
	}
	guest.open("GET", "/d/"+code, nil)

	resp, err := guest.client.PostForm(base+"/j/"+code+"/join", url.Values{"name": {"Ana"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || resp.StatusCode >= 500 || !strings.Contains(string(body), "disk is full") {
		t.Errorf("joining on a full disk = %d, want a refusal that says the disk is full", resp.StatusCode)
	}
	if status, body := healthz(t, base); status != http.StatusServiceUnavailable || !strings.Contains(body, "cannot write") {
		t.Errorf("healthz on a full disk = %d %q, want 503 and the reason", status, body)
	}
}

// TestStartsReadOnlyOnAnUnwritableDatabase is the full disk where a test
// cannot be root (CI): the database file is made read-only, so SQLite fails
// every write with SQLITE_READONLY, the same class of storage failure as a
// full disk's SQLITE_FULL and SQLITE_IOERR. The server starts and serves
// reads, a guest's write is refused with the disk-full message (before: a
// bare 500), and /healthz answers 503 (before: 200). Root writes any file,
// so it is skipped there, where TestStartsReadOnlyOnAFullDisk runs instead.
func TestStartsReadOnlyOnAnUnwritableDatabase(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes a read-only file: TestStartsReadOnlyOnAFullDisk covers this")
	}
	cfg := testConfig(t)
	base, stop := startServer(t, cfg)
	host := newPhone(t, base)
	dash, _ := host.open("POST", "/sessions", url.Values{"name": {"Frozen night"}})
	code := dash.Find(`[data-testid="join-code"]`).Text()
	stop()
	if err := os.Chmod(filepath.Join(cfg.DataDir, "karaoke.db"), 0o444); err != nil {
		t.Fatal(err)
	}

	base, _ = startServer(t, cfg)
	guest := newPhone(t, base)
	if page, _ := guest.open("GET", "/j/"+code, nil); !strings.Contains(page.Text(), "Frozen night") {
		t.Errorf("guest page on an unwritable database does not show the night")
	}
	resp, err := guest.client.PostForm(base+"/j/"+code+"/join", url.Values{"name": {"Ana"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 || !strings.Contains(string(body), "disk is full") {
		t.Errorf("joining on an unwritable database = %d, want a refusal that says the disk is full", resp.StatusCode)
	}
	if status, body := healthz(t, base); status != http.StatusServiceUnavailable || !strings.Contains(body, "cannot write") {
		t.Errorf("healthz on an unwritable database = %d %q, want 503 and the reason", status, body)
	}
}
