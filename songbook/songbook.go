// Package songbook reads a host's song list: a CSV, TSV or semicolon file
// with a header row (a spreadsheet, KaraFun's catalogue export) or plain
// text with a song a line as media files are named ("SC8125-01 - Artist -
// Title.cdg", a pasted directory listing), in UTF-8, UTF-16 or
// Windows-1252. It finds the format in the content, never in a file name,
// and streams: a 300,000-song list is read a line at a time.
package songbook

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/karaoke-night/karaoke/fold"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Limits on one song list. MaxBytes is what the upload route may take;
// MaxSongs bounds what one songbook holds.
const (
	MaxBytes = 30 << 20
	MaxSongs = 300_000
	// MaxTitle and MaxArtist are db.MaxTitle and db.MaxArtist (a test in
	// db checks): a song from the book fits where a typed request does.
	MaxTitle  = 120
	MaxArtist = 120
	// keptSkips is how many skipped lines a Report names.
	keptSkips = 5
)

// Song is one song of a list, its title and artist cleaned (fold.Clean).
type Song struct {
	Title, Artist string
}

// Key is the song's identity in a songbook: title and artist compared by
// fold.Loose (case, accents, spacing and punctuation ignored).
func (s Song) Key() (title, artist string) { return fold.Loose(s.Title), fold.Loose(s.Artist) }

// Skip is a line that could not be read as a song, and why.
type Skip struct {
	Line   int
	Reason string
}

// Report is what a read found: the songs given, the duplicates merged into
// them, the lines skipped and the first few of those.
type Report struct {
	Format     string // "csv", "tsv", "semicolon" or "lines"
	Encoding   string // "UTF-8", "UTF-16LE", "UTF-16BE" or "Windows-1252"
	Songs      int
	Duplicates int
	Skipped    int
	FirstSkips []Skip
	Bytes      int64 // bytes of the file read so far
}

func (r *Report) skip(line int, reason string) {
	r.Skipped++
	if len(r.FirstSkips) < keptSkips {
		r.FirstSkips = append(r.FirstSkips, Skip{line, reason})
	}
}

// NotSongListError is the error of a file that is not a song list at all:
// an image, an archive, a binary, a list with no songs. Message is for the
// person who chose the file.
type NotSongListError struct {
	Message string
}

func (e *NotSongListError) Error() string { return e.Message }

// ErrTooManySongs is the error of a list longer than MaxSongs.
var ErrTooManySongs = fmt.Errorf("a songbook holds at most %d songs", MaxSongs)

// ErrTooLarge is the error of a file longer than MaxBytes.
var ErrTooLarge = fmt.Errorf("a song list can be at most %d MB", MaxBytes>>20)

// sniffLen is how much of the file decides its encoding and whether it is
// text: enough for many lines, little enough to hold.
const sniffLen = 64 << 10

// Read reads a song list from r and calls each for every distinct song, in
// the order of the list. It returns the report and, when the list cannot be
// read, a *NotSongListError, ErrTooManySongs, ErrTooLarge, the reader's
// error or each's. progress, when not nil, is given the report after every
// 1,000 lines.
func Read(r io.Reader, each func(Song) error, progress func(Report)) (Report, error) {
	var rep Report
	counted := &countingReader{r: io.LimitReader(r, MaxBytes+1)}
	in := bufio.NewReaderSize(counted, sniffLen)
	head, err := in.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return rep, err
	}
	if len(head) == 0 {
		return rep, &NotSongListError{"The file is empty."}
	}
	dec, name, err := decoding(head)
	if err != nil {
		return rep, err
	}
	rep.Encoding = name
	text := bufio.NewReader(transform.NewReader(in, dec))

	seen := map[[2]string]struct{}{}
	give := func(line int, s Song) error {
		s.Title, s.Artist = fold.Clean(s.Title), fold.Clean(s.Artist)
		switch {
		case s.Title == "" || fold.Loose(s.Title) == "":
			rep.skip(line, "no title")
			return nil
		case utf8.RuneCountInString(s.Title) > MaxTitle:
			rep.skip(line, "title too long")
			return nil
		case utf8.RuneCountInString(s.Artist) > MaxArtist:
			rep.skip(line, "artist too long")
			return nil
		}
		t, a := s.Key()
		if _, dup := seen[[2]string{t, a}]; dup {
			rep.Duplicates++
			return nil
		}
		if rep.Songs == MaxSongs {
			return ErrTooManySongs
		}
		seen[[2]string{t, a}] = struct{}{}
		rep.Songs++
		return each(s)
	}
	tick := func(line int) {
		if progress != nil && line%1000 == 0 {
			rep.Bytes = counted.n
			progress(rep)
		}
	}
	first, firstLine, err := firstLine(text)
	if err != nil {
		return rep, err
	}
	if f, ok := findHeader(first); ok {
		rep.Format = f.format
		err = readTable(text, f, firstLine, &rep, give, tick)
	} else {
		rep.Format = "lines"
		err = readLines(text, first, firstLine, &rep, give, tick)
	}
	rep.Bytes = counted.n
	if err == nil && counted.n > MaxBytes {
		err = ErrTooLarge
	}
	if err == nil && rep.Songs == 0 {
		err = &NotSongListError{fmt.Sprintf("No songs found in the file (%d lines skipped).", rep.Skipped)}
	}
	return rep, err
}

// decoding picks the decoder from the start of the file: a byte-order mark
// says UTF-8 or UTF-16; without one, text that is valid UTF-8 is UTF-8 and
// anything else is Windows-1252, what Excel and old Windows tools write.
// A file net/http would not call text (an image, a zip, NUL bytes) is
// refused.
func decoding(head []byte) (transform.Transformer, string, error) {
	kind := http.DetectContentType(head)
	if !strings.HasPrefix(kind, "text/") {
		return nil, "", &NotSongListError{fmt.Sprintf("This is not a song list (it looks like %s); choose a CSV or text file.", describe(kind))}
	}
	switch {
	case strings.Contains(kind, "utf-16le"):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), "UTF-16LE", nil
	case strings.Contains(kind, "utf-16be"):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder(), "UTF-16BE", nil
	}
	// The sniffed head may end inside a character: only its whole
	// characters count.
	valid := head
	for i := 0; i < utf8.UTFMax && len(valid) > 0 && !utf8.Valid(valid); i++ {
		valid = valid[:len(valid)-1]
	}
	if len(head)-len(valid) >= utf8.UTFMax || !utf8.Valid(valid) {
		return charmap.Windows1252.NewDecoder(), "Windows-1252", nil
	}
	// BOMOverride drops a UTF-8 byte-order mark and passes the rest.
	return unicode.BOMOverride(transform.Nop), "UTF-8", nil
}

func describe(kind string) string {
	kind, _, _ = strings.Cut(kind, ";")
	switch {
	case strings.HasPrefix(kind, "image/"):
		return "an image"
	case kind == "application/zip" || kind == "application/x-gzip" || kind == "application/x-rar-compressed":
		return "an archive"
	case kind == "application/pdf":
		return "a PDF"
	}
	return "a binary file"
}

// firstLine returns the first line that is not blank, and its number.
func firstLine(r *bufio.Reader) (string, int, error) {
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if strings.TrimSpace(line) != "" {
			return strings.TrimRight(line, "\r\n"), n, nil
		}
		if errors.Is(err, io.EOF) {
			return "", n, &NotSongListError{"The file holds only blank lines."}
		}
		if err != nil {
			return "", n, err
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
