// Command karaoke runs the karaoke-night server. Configuration comes from
// the environment; see the README.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/karaoke-night/karaoke/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "karaoke:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	srv, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	return srv.Run(ctx)
}
