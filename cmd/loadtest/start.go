package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Memory and start (issue 18, goal 4): the server's RSS idle and with
// 1,000 open streams, and its cold start to the first 200 of the home page
// with a database of 1,000 ended sessions, each a start of the binary on
// the same DATA_DIR, timed from exec.

const (
	endedSessions = 1000
	coldStarts    = 5
)

// The targets are in MB (10^6 bytes): 20 MB is 19.07 MiB.
var (
	idleGoal    = int64(20e6)
	streamsGoal = int64(64e6)
	startGoal   = 100 * time.Millisecond
)

// runStart fills the server started in dir with ended sessions, stops it,
// and starts the binary again coldStarts times.
func runStart(ctx context.Context, lt *loadTest, dir string) error {
	fmt.Printf("\nfilling the database with %d ended sessions (a guest and two songs each)\n", endedSessions)
	var next atomic.Int64
	lt.last = lt.closedLoop(ctx, lt.cfg.writers, 5*time.Minute, func(w, i int) error {
		n := next.Add(1)
		if n > endedSessions {
			return errStop
		}
		host, dash, code, err := lt.createSession(fmt.Sprintf("Night %d", n))
		if err != nil {
			return err
		}
		guests := lt.joinMany(ctx, code, 1, 1)
		if len(guests) != 1 {
			return fmt.Errorf("join night %d", n)
		}
		for s := range 2 {
			if err := lt.enqueue(code, guests[0], fmt.Sprintf("Song %d", s)); err != nil {
				return err
			}
		}
		resp, _, err := lt.do("POST", dash+"/end", host, url.Values{})
		if err == nil && resp.StatusCode != http.StatusSeeOther {
			err = fmt.Errorf("end %s: %d", dash, resp.StatusCode)
		}
		return err
	})
	if lt.last.errs > 0 {
		return fmt.Errorf("filling: %v", lt.last.firstErr)
	}
	if err := syscall.Kill(lt.cfg.pid, syscall.SIGTERM); err != nil {
		return err
	}
	if err := waitClosed(lt.cfg.target); err != nil {
		return err
	}

	var starts []time.Duration
	var idle, streams int64
	for i := range coldStarts {
		took, base, pid, stop, err := coldStart(dir)
		if err != nil {
			return err
		}
		starts = append(starts, took)
		if i == coldStarts-1 {
			// The last one stays for the memory figures.
			defer stop()
			time.Sleep(time.Second)
			idle = rss(pid)
			fmt.Printf("\nserver RSS idle (after a cold start on %d ended sessions): %s%s\n", endedSessions, mib(idle), rssParts(pid))
			fresh := &loadTest{cfg: lt.cfg, client: newClient(200)}
			fresh.cfg.target, fresh.cfg.pid = base, pid
			if err := fresh.openStreams(ctx, "after a cold start"); err != nil {
				return err
			}
			streams = fresh.streamsRSS
			break
		}
		stop()
	}
	slices.Sort(starts)
	med := starts[len(starts)/2]
	fmt.Printf("\ncold start to the first 200 of GET /, %d ended sessions: median %s of %v\n", endedSessions, med.Round(time.Millisecond), starts)
	fmt.Println("\nGoals (issue 18, goal 4):")
	fmt.Printf("  %-36s %9s  target < %-8s %s\n", "RSS idle", mib(idle), "20 MB ("+mib(idleGoal)+")", metOrMissed(idle > 0 && idle < idleGoal))
	fmt.Printf("  %-36s %9s  target < %-8s %s\n", "RSS with 1,000 streams", mib(streams), "64 MB ("+mib(streamsGoal)+")", metOrMissed(streams > 0 && streams < streamsGoal))
	fmt.Printf("  %-36s %9s  target < %-8s %s\n", "cold start to the first 200", med.Round(time.Millisecond), startGoal, metOrMissed(med < startGoal))
	return nil
}

// coldStart runs the server binary in dir on its data, timing from exec to
// the first 200 of GET /.
func coldStart(dir string) (took time.Duration, base string, pid int, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, "", 0, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(filepath.Join(dir, "karaoke"))
	cmd.Env = serverEnv(dir, port)
	client := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, "", 0, nil, err
	}
	stop = func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }
	for time.Since(start) < 20*time.Second {
		if resp, err := client.Get(base + "/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), base, cmd.Process.Pid, stop, nil
			}
		}
		time.Sleep(time.Millisecond) // poll: the first answer is what is timed
	}
	stop()
	return 0, "", 0, nil, fmt.Errorf("no 200 from %s within 20 s", base)
}

// waitClosed waits until nothing answers at base: the server stopped and
// let go of its data directory.
func waitClosed(base string) error {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/livez")
		if err != nil {
			time.Sleep(200 * time.Millisecond) // the process may still be closing its files
			return nil
		}
		resp.Body.Close()
	}
	return fmt.Errorf("%s still answers after SIGTERM", base)
}

// rssParts says what a process's RSS is made of: anonymous memory (the Go
// heap and stacks, SQLite's caches) and file-backed pages, which are the
// binary's own, mapped as its code runs and shared with every other
// process that runs it: how many of those a process counts depends on the
// kernel and its page cache as much as on the program.
func rssParts(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	kb := map[string]int64{}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "RssAnon:" || f[0] == "RssFile:") {
			kb[f[0]], _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	return fmt.Sprintf(" (anonymous %s, file-backed %s)", mib(kb["RssAnon:"]<<10), mib(kb["RssFile:"]<<10))
}
