// Command karaoke runs the karaoke-night server, and the operator's
// subcommands beside it. Configuration comes from the environment; see the
// README.
//
//	karaoke               serve (the default)
//	karaoke backup        back the database up into DATA_DIR/backups now
//	karaoke restore FILE  put a backup back (the server must be stopped)
//	karaoke restore --on-restart FILE
//	                      put it back when the server next starts
//	karaoke restore --from-turso
//	                      fill an empty DATA_DIR from the copy in Turso
//	karaoke songbook import FILE [--name NAME]
//	                      import a house songbook, offered to every new session
//	karaoke songbook list / songbook remove ID
//	                      list the songbooks, remove one
//	karaoke status        how replication to Turso is doing
//	karaoke version       print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"

	"github.com/karaoke-night/karaoke/app"
)

// version is stamped at build time: -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "karaoke:", err)
		os.Exit(1)
	}
}

// serverGOGC is the garbage collector's GOGC for the server when the
// environment sets none. A night's live heap is small (2 MB with 1,000
// guests and 100 songs waiting), so at Go's default of 100 the collector
// ran every 2-3 MB allocated, about every 20 song requests, and each
// collection took one of the machine's cores for 3-17 ms: a fifth of the
// request's rate on 2 cores (BENCHMARKS.md, issue 18). At 400 it runs about
// every 14 MB. A big night's heap is bounded by GOMEMLIMIT, which fly.toml
// sets and near which the collector works harder whatever GOGC says.
const serverGOGC = 400

// tuneCollector sets GOGC to serverGOGC unless the environment gives one.
func tuneCollector(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGOGC)
	}
}

var errUsage = errors.New("usage: karaoke [serve | backup | restore [--on-restart] FILE | restore --from-turso | songbook import FILE [--name NAME] | songbook list | songbook remove ID | status | version]")

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "version" {
		fmt.Fprintln(stdout, version)
		return nil
	}
	cfg, err := app.FromEnv(getenv)
	if err != nil {
		return err
	}
	switch {
	case cmd == "serve" && len(args) == 0:
		tuneCollector(getenv)
		log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("version", version)
		srv, err := app.Open(ctx, cfg, log)
		if err != nil {
			return err
		}
		return srv.Run(ctx)
	case cmd == "backup" && len(args) == 0:
		path, err := app.Backup(ctx, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "backup written:", path)
		return nil
	case cmd == "songbook":
		return songbookCommand(ctx, cfg, args, stdout)
	case cmd == "status" && len(args) == 0:
		return app.Status(ctx, cfg, stdout)
	case cmd == "restore" && len(args) == 1 && args[0] == "--from-turso":
		restored, err := app.RestoreFromTurso(ctx, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored from Turso into %s, up to change %d (migrations %v):\n", cfg.DatabaseURL, restored.Position.Seq, restored.Migrations)
		for _, table := range slices.Sorted(maps.Keys(restored.Rows)) {
			fmt.Fprintf(stdout, "  %s: %d rows\n", table, restored.Rows[table])
		}
		return nil
	case cmd == "restore" && len(args) == 2 && args[0] == "--on-restart":
		if err := app.RestoreOnStart(ctx, cfg, args[1]); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "the server will restore", args[1], "when it next starts: restart it now")
		return nil
	case cmd == "restore" && len(args) == 1:
		saved, err := app.Restore(ctx, cfg, args[0])
		if err != nil {
			return err
		}
		if saved != "" {
			fmt.Fprintln(stdout, "the database as it was is saved in", saved)
		}
		fmt.Fprintln(stdout, "restored", args[0], "into", cfg.DatabaseURL)
		return nil
	}
	return errUsage
}
