package songbook

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/karaoke-night/karaoke/fold"
)

// Header names a song list's columns may have, compared by fold.Loose.
var (
	titleNames  = []string{"title", "song", "song title", "songtitle", "song name", "track", "track name", "titre", "titel", "titulo", "name"}
	artistNames = []string{"artist", "artists", "singer", "performer", "band", "artist name", "performed by", "interpret", "artiste", "artista", "by"}
)

// table is a delimited format found in a header row.
type table struct {
	format        string
	comma         rune
	title, artist int // column indexes; artist -1 when there is none
	columns       int
}

// findHeader looks for a header row naming a title column (and, mostly, an
// artist column) split by a tab, a semicolon or a comma, in that order:
// a tab or a semicolon in a header is a separator, a comma might be in a
// name.
func findHeader(line string) (table, bool) {
	for _, f := range []table{{format: "tsv", comma: '\t'}, {format: "semicolon", comma: ';'}, {format: "csv", comma: ','}} {
		if !strings.ContainsRune(line, f.comma) {
			continue
		}
		cells, err := csvReader(strings.NewReader(line), f.comma).Read()
		if err != nil {
			continue
		}
		f.title, f.artist, f.columns = column(cells, titleNames), column(cells, artistNames), len(cells)
		if f.title >= 0 && f.title != f.artist {
			return f, true
		}
	}
	return table{}, false
}

// column returns the index of the first cell named by the earliest name in
// names, or -1: "Song Title" beats "Name" when a list has both.
func column(cells, names []string) int {
	for _, name := range names {
		for i, c := range cells {
			if fold.Loose(c) == name {
				return i
			}
		}
	}
	return -1
}

func csvReader(r io.Reader, comma rune) *csv.Reader {
	c := csv.NewReader(r)
	c.Comma = comma
	c.LazyQuotes = true    // hand-made lists hold stray quotes: 12" Mix
	c.FieldsPerRecord = -1 // a short or long row is read for what it has
	c.ReuseRecord = true   // one record at a time: nothing held
	c.TrimLeadingSpace = true
	return c
}

// readTable reads the rows after the header.
func readTable(r io.Reader, f table, headerLine int, rep *Report, give func(int, Song) error, tick func(int)) error {
	c := csvReader(r, f.comma)
	for row := 1; ; row++ {
		cells, err := c.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			rep.skip(parseErr.Line+headerLine, "unreadable row")
			continue
		}
		if err != nil {
			return err
		}
		line, _ := c.FieldPos(0)
		line += headerLine
		tick(row)
		if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
			continue
		}
		if f.title >= len(cells) || (f.artist >= 0 && f.artist >= len(cells)) {
			rep.skip(line, "missing columns")
			continue
		}
		s := Song{Title: cells[f.title]}
		if f.artist >= 0 {
			s.Artist = cells[f.artist]
		}
		if err := give(line, s); err != nil {
			return err
		}
	}
}

var (
	// mediaExt is a media file's extension: a line named after a file.
	mediaExt = lazyRegexp(`(?i)\.(mp3\+g|mp4|cdg|zip|mp3|mkv|avi|kar|mid|midi|webm|m4a|m4v|mov|wmv|mpg|mpeg|vob|ogg|wav|flac)$`)
	// youTubeID is a video id after the title, as download tools add it:
	// "Artist - Title---dQw4w9WgXcQ" or "Artist - Title [dQw4w9WgXcQ]".
	youTubeID = lazyRegexp(`(---|\s*\[)[A-Za-z0-9_-]{11}\]?$`)
	// discID is a karaoke disc and track number: SC8125-01, ZZK001, SF123-04.
	discID = lazyRegexp(`^[A-Za-z]{1,6}[ -]?\d{2,7}([ -]\d{1,3})?[A-Za-z]?$`)
	// lsLong and dirWindows are the columns before a name in `ls -l` and
	// Windows `dir`; listingNoise the lines of a listing that name no file.
	lsLong       = lazyRegexp(`^[-dlrwxsStT]{10}[.+@]?\s+\d+\s+\S+\s+\S+\s+[\d,.]+[KMGkmg]?\s+\S+\s+\d{1,2}\s+(\d{4}|\d{1,2}:\d{2})\s+`)
	dirWindows   = lazyRegexp(`^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\s+\d{1,2}:\d{2}(\s*[AaPp][Mm])?\s+([\d,.]+|<DIR>)\s+`)
	listingNoise = lazyRegexp(`(?i)^(total \d+|volume in drive.*|volume serial number.*|directory of .*|\d+ file\(s\).*|\d+ dir\(s\).*|[a-z]:\\.*:|/.*:|\.{1,2})$`)
)

// lazyRegexp is expr compiled when first used: the patterns are needed
// only by an import, not at every start-up.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// readLines reads a song a line: "Artist - Title", as media files are named.
func readLines(r *bufio.Reader, first string, firstNum int, rep *Report, give func(int, Song) error, tick func(int)) error {
	num := firstNum
	handle := func(text string) error {
		// An old Mac's bare carriage returns end lines too.
		for part := range strings.SplitSeq(text, "\r") {
			if s, reason, ok := lineSong(part); ok {
				if err := give(num, s); err != nil {
					return err
				}
			} else if reason != "" {
				rep.skip(num, reason)
			}
		}
		tick(num)
		return nil
	}
	if err := handle(first); err != nil {
		return err
	}
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			num++
			if err := handle(strings.TrimSuffix(line, "\n")); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// lineSong reads one line. A line that is blank or a listing's noise gives
// no song and no reason; one that cannot be read gives the reason.
func lineSong(line string) (Song, string, bool) {
	line = strings.TrimSpace(line)
	if line == "" || listingNoise().MatchString(line) || strings.Contains(dirWindows().FindString(line), "<DIR>") {
		return Song{}, "", false
	}
	line = lsLong().ReplaceAllString(line, "")
	line = dirWindows().ReplaceAllString(line, "")
	if i := strings.LastIndexAny(line, `/\`); i >= 0 {
		line = line[i+1:] // a path: the file's name
	}
	line = mediaExt().ReplaceAllString(line, "")
	line = youTubeID().ReplaceAllString(line, "")
	if !strings.Contains(line, " ") && strings.Contains(line, "_") {
		line = strings.ReplaceAll(line, "_", " ") // Artist_-_Title
	}
	parts := strings.Split(line, " - ")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) >= 3 && discID().MatchString(parts[0]) {
		parts = parts[1:]
	}
	if len(parts) < 2 {
		return Song{}, `no " - " between artist and title`, false
	}
	return Song{Artist: parts[0], Title: strings.Join(parts[1:], " - ")}, "", true
}
