package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
)

// songbookCommand runs `karaoke songbook import FILE [--name NAME]`,
// `karaoke songbook list` and `karaoke songbook remove ID`.
func songbookCommand(ctx context.Context, cfg app.Config, args []string, stdout io.Writer) error {
	switch {
	case len(args) == 2 && args[0] == "import", len(args) == 4 && args[0] == "import" && args[2] == "--name":
		name := ""
		if len(args) == 4 {
			name = args[3]
		}
		book, rep, err := app.ImportHouseSongbook(ctx, cfg, args[1], name, func(p db.ImportProgress) {
			fmt.Fprintf(stdout, "  %d songs, %d KB read\n", p.Songs, p.Bytes>>10)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", args[1], operatorError(err))
		}
		fmt.Fprintf(stdout, "imported songbook %d %q: %d songs (%s, %s), %d duplicates merged, %d lines skipped\n",
			book.ID, book.Name, book.Songs, rep.Format, rep.Encoding, rep.Duplicates, rep.Skipped)
		for _, s := range rep.FirstSkips {
			fmt.Fprintf(stdout, "  line %d skipped: %s\n", s.Line, s.Reason)
		}
		return nil
	case len(args) == 1 && args[0] == "list":
		books, err := app.Songbooks(ctx, cfg)
		if err != nil {
			return err
		}
		for _, b := range books {
			kind := "host's"
			if b.House {
				kind = "house"
			}
			fmt.Fprintf(stdout, "%d\t%s\t%d songs\t%s\t%s\n", b.ID, kind, b.Songs, b.CreatedAt.Format("2006-01-02 15:04"), b.Name)
		}
		return nil
	case len(args) == 2 && args[0] == "remove":
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return errUsage
		}
		if err := app.RemoveSongbook(ctx, cfg, id); err != nil {
			return fmt.Errorf("songbook %d: %w", id, operatorError(err))
		}
		fmt.Fprintln(stdout, "removed songbook", id)
		return nil
	}
	return errUsage
}

// operatorError is err as the operator reads it: a store's message meant
// for people as it is, anything else with its details.
func operatorError(err error) error {
	if db.ErrorCode(err) == db.EINTERNAL {
		return err
	}
	return errors.New(db.ErrorMessage(err))
}
