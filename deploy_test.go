// Package karaoke_test checks the deployment files at the top of the tree.
package karaoke_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// flyConfig is the part of fly.toml that keeps one machine and its volume.
type flyConfig struct {
	App         string `toml:"app"`
	KillSignal  string `toml:"kill_signal"`
	KillTimeout string `toml:"kill_timeout"`
	Env         map[string]string
	Mounts      struct {
		Source            string `toml:"source"`
		Destination       string `toml:"destination"`
		InitialSize       string `toml:"initial_size"`
		SnapshotRetention int    `toml:"snapshot_retention"`
	} `toml:"mounts"`
	HTTPService struct {
		InternalPort       int    `toml:"internal_port"`
		ForceHTTPS         bool   `toml:"force_https"`
		AutoStopMachines   string `toml:"auto_stop_machines"`
		AutoStartMachines  bool   `toml:"auto_start_machines"`
		MinMachinesRunning int    `toml:"min_machines_running"`
		Checks             []struct {
			Method string `toml:"method"`
			Path   string `toml:"path"`
		} `toml:"checks"`
	} `toml:"http_service"`
	Deploy struct {
		Strategy string `toml:"strategy"`
	} `toml:"deploy"`
	VM []struct {
		Memory string `toml:"memory"`
	} `toml:"vm"`
}

// Keys fly.toml may hold: the documented top-level keys and tables. A key
// outside this list is a typo or an invention, like the max_machines_running
// that once did nothing while every deploy lost the data.
var knownFlyKeys = map[string]bool{
	"app": true, "primary_region": true, "kill_signal": true, "kill_timeout": true, "swap_size_mb": true,
	"console_command": true, "build": true, "deploy": true, "env": true, "http_service": true, "services": true,
	"mounts": true, "vm": true, "checks": true, "processes": true, "statics": true, "metrics": true,
	"experimental": true, "files": true, "restart": true,
	"mounts.source": true, "mounts.destination": true, "mounts.initial_size": true, "mounts.snapshot_retention": true,
	"mounts.scheduled_snapshots": true, "mounts.processes": true, "mounts.auto_extend_size_threshold": true,
	"mounts.auto_extend_size_increment": true, "mounts.auto_extend_size_limit": true,
	"http_service.internal_port": true, "http_service.force_https": true, "http_service.auto_stop_machines": true,
	"http_service.auto_start_machines": true, "http_service.min_machines_running": true, "http_service.processes": true,
	"http_service.concurrency": true, "http_service.checks": true, "http_service.http_options": true, "http_service.tls_options": true,
	"http_service.checks.grace_period": true, "http_service.checks.interval": true, "http_service.checks.timeout": true,
	"http_service.checks.method": true, "http_service.checks.path": true, "http_service.checks.protocol": true,
	"http_service.checks.headers": true, "http_service.checks.tls_skip_verify": true,
	"build.dockerfile": true, "build.image": true, "build.args": true, "build.build-target": true,
	"deploy.strategy": true, "deploy.release_command": true, "deploy.wait_timeout": true, "deploy.max_unavailable": true,
	"vm.size": true, "vm.memory": true, "vm.cpus": true, "vm.cpu_kind": true, "vm.processes": true,
}

func TestFlyTOML(t *testing.T) {
	var cfg flyConfig
	meta, err := toml.DecodeFile("fly.toml", &cfg)
	if err != nil {
		t.Fatalf("fly.toml: %v", err)
	}
	for _, key := range meta.Keys() {
		k := key.String()
		if strings.HasPrefix(k, "env.") {
			continue
		}
		if !knownFlyKeys[k] {
			t.Errorf("fly.toml has the key %q, which Fly does not know", k)
		}
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"[mounts] source", cfg.Mounts.Source, "karaoke_data"},
		{"[mounts] destination", cfg.Mounts.Destination, "/data"},
		{"[env] DATA_DIR", cfg.Env["DATA_DIR"], "/data"},
		{"[http_service] internal_port matches PORT", strings.TrimSpace(cfg.Env["PORT"]), "8080"},
		{"[http_service] internal_port", cfg.HTTPService.InternalPort, 8080},
		{"[http_service] force_https", cfg.HTTPService.ForceHTTPS, true},
		{"[http_service] auto_stop_machines", cfg.HTTPService.AutoStopMachines, "off"},
		{"[http_service] min_machines_running", cfg.HTTPService.MinMachinesRunning, 1},
		{"[deploy] strategy", cfg.Deploy.Strategy, "rolling"},
		{"kill_signal", cfg.KillSignal, "SIGTERM"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if cfg.Mounts.InitialSize == "" || cfg.Mounts.SnapshotRetention < 1 {
		t.Errorf("[mounts] initial_size %q and snapshot_retention %d must be set", cfg.Mounts.InitialSize, cfg.Mounts.SnapshotRetention)
	}
	healthChecked := false
	for _, c := range cfg.HTTPService.Checks {
		healthChecked = healthChecked || (c.Path == "/livez" && strings.EqualFold(c.Method, "GET"))
	}
	if !healthChecked {
		t.Error("no HTTP health check on GET /livez")
	}
	// The app stops within 10 s (app.shutdownTimeout); Fly must wait longer.
	if cfg.KillTimeout != "30s" {
		t.Errorf("kill_timeout = %q, want 30s, well above the app's 10 s graceful stop", cfg.KillTimeout)
	}
}

// TestFlyMemoryLimit: fly.toml gives the Go runtime a soft memory limit
// (GOMEMLIMIT, which the runtime reads by itself) that fits the machine:
// at most three quarters of it, since the kernel and SQLite's own memory
// (outside the Go heap) need the rest, and at least half, since the
// worst case the app's caps allow measured 147 MiB.
func TestFlyMemoryLimit(t *testing.T) {
	var cfg flyConfig
	if _, err := toml.DecodeFile("fly.toml", &cfg); err != nil {
		t.Fatalf("fly.toml: %v", err)
	}
	if len(cfg.VM) != 1 {
		t.Fatalf("fly.toml has %d [[vm]] sections, want 1", len(cfg.VM))
	}
	// Fly's "256mb" is 256 MiB.
	vm, err := strconv.ParseInt(strings.TrimSuffix(strings.ToLower(cfg.VM[0].Memory), "mb"), 10, 64)
	if err != nil {
		t.Fatalf("[[vm]] memory = %q, want a size such as 256mb", cfg.VM[0].Memory)
	}
	// GOMEMLIMIT as the runtime reads it, in the unit fly.toml uses.
	limit, err := strconv.ParseInt(strings.TrimSuffix(cfg.Env["GOMEMLIMIT"], "MiB"), 10, 64)
	if err != nil {
		t.Fatalf("[env] GOMEMLIMIT = %q, want a size in MiB such as 180MiB", cfg.Env["GOMEMLIMIT"])
	}
	if limit < vm/2 || limit > vm*3/4 {
		t.Errorf("GOMEMLIMIT = %d MiB on a %d MiB machine: want between half and three quarters of it", limit, vm)
	}
}

func TestDockerfileBuildsAsCI(t *testing.T) {
	dockerfile, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	const build = "CGO_ENABLED=0 go build -trimpath"
	for name, text := range map[string]string{"Dockerfile": string(dockerfile), ".ci/run": string(ci)} {
		if !strings.Contains(text, build) || !strings.Contains(text, "./cmd/karaoke") {
			t.Errorf("%s does not build with %q ./cmd/karaoke", name, build)
		}
	}
	for _, want := range []string{"sqlite3", "FROM golang:1.26", "AS build", "COPY --from=build"} {
		if !strings.Contains(string(dockerfile), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if _, err := os.Stat(".dockerignore"); err != nil {
		t.Errorf(".dockerignore: %v", err)
	}
}
