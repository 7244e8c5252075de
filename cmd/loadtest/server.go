package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The server under test: built and started as its own process, its memory and CPU read from /proc.

// startServer builds cmd/karaoke as the Dockerfile builds what ships
// (static, without cgo, symbols left out) and runs it on a free loopback port and a
// fresh DATA_DIR, in dir, which holds the binary (karaoke) and the data
// (data).
func startServer() (base, dir string, pid int, stop func(), err error) {
	dir, err = os.MkdirTemp("", "karaoke-loadtest-")
	if err != nil {
		return "", "", 0, nil, err
	}
	bin := filepath.Join(dir, "karaoke")
	// The memory figures are of the binary that ships: a cgo build maps the
	// C library and its loader too (about 1.4 MiB of an idle server).
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "github.com/karaoke-night/karaoke/cmd/karaoke")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return "", "", 0, nil, fmt.Errorf("build the server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", 0, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = serverEnv(dir, port)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return "", "", 0, nil, err
	}
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		os.RemoveAll(dir)
	}
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, dir, cmd.Process.Pid, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", "", 0, nil, fmt.Errorf("the server did not start:\n%s", logs.String())
		}
	}
}

// serverEnv is the environment the server under test runs with, its data
// in dir/data.
func serverEnv(dir string, port int) []string {
	return append(os.Environ(), "DATA_DIR="+filepath.Join(dir, "data"), "PORT="+strconv.Itoa(port), "MAX_STREAMS=5000",
		// Every request comes from 127.0.0.1: per-address limits would
		// measure the limiter, not the app.
		"LIMIT_DEVICE_WRITES=off", "LIMIT_ADDRESS_WRITES=off", "LIMIT_ADDRESS_SESSIONS=off", "LIMIT_ADDRESS_JOINS=off",
		// The streams phase gives each stream its own address in
		// X-Forwarded-For, so the live fair shares count them as a bar's
		// many phones and TVs (see listen).
		"TRUST_PROXY=127.0.0.1")
}

// rss is a process's resident memory in bytes, from /proc.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTime is a process's user+system CPU time so far, from /proc.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks: 100 a second on Linux
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
