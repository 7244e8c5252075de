package handlers

import (
	"bytes"
	"context"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// progressAfter is how long an import runs before its progress bar shows:
// a short list is imported before a bar would be worth reading.
const progressAfter = time.Second

// importProgress tells every host page of a night how far an import has
// come, over the dashboards' streams: the page that posted the file is
// waiting for its answer, and the host's other devices are not waiting at
// all. The import is no part of the night's state until it is done, so its
// progress is published beside the night's version, never in it.
type importProgress struct {
	live      *live.Broker
	sessionID int64
	size      int64 // the upload's length, -1 when not known
	started   time.Time
	shown     bool
}

// update is db.SongbookImport's Progress: called after each chunk written.
func (p *importProgress) update(at db.ImportProgress) {
	if time.Since(p.started) < progressAfter {
		return
	}
	p.shown = true
	p.publish(importBar(at, p.size))
}

// done takes the bar away, once the import has ended either way; the
// night's new songbook, if it has one, comes with the night's next version.
func (p *importProgress) done() {
	if p.shown {
		p.publish(nil)
	}
}

func (p *importProgress) publish(bar *views.SongbookProgress) {
	var buf bytes.Buffer
	if err := views.SongbookProgressView(bar).Render(context.Background(), &buf); err != nil {
		return // a bar is a nicety: the import goes on
	}
	p.live.Publish(p.sessionID, live.PageHost, live.NewUnversionedEvent(views.EventHostImport, buf.Bytes()))
}

// importBar is an import's progress as its bar shows it: the bytes read of
// the upload, and in words the songs imported and about how many the whole
// file holds, estimated from the part read.
func importBar(at db.ImportProgress, size int64) *views.SongbookProgress {
	en := lang.Shipped().Lang(lang.Default) // the bar goes to every host page at once, in English
	bar := &views.SongbookProgress{Label: "Importing: " + songCount(en, at.Songs) + " so far"}
	if size <= 0 || at.Bytes <= 0 {
		return bar
	}
	read := min(at.Bytes, size)
	bar.Value, bar.Max = strconv.FormatInt(read, 10), strconv.FormatInt(size, 10)
	total := max(roughly(int(int64(at.Songs)*size/read)), at.Songs)
	bar.Label = "Importing: " + thousands(at.Songs) + " of about " + songCount(en, total)
	return bar
}

// roughly rounds an estimate to the figures worth saying: to the thousand
// from 10,000, to the hundred below.
func roughly(n int) int {
	unit := 100
	if n >= 10_000 {
		unit = 1000
	}
	return (n + unit/2) / unit * unit
}
