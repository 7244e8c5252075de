package songbook_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/songbook"
)

// read reads a song list and returns its songs as "Artist - Title".
func read(t *testing.T, r io.Reader) ([]string, songbook.Report, error) {
	t.Helper()
	var got []string
	rep, err := songbook.Read(r, func(s songbook.Song) error {
		got = append(got, s.Artist+" - "+s.Title)
		return nil
	}, nil)
	return got, rep, err
}

func TestReadFixtures(t *testing.T) {
	halo := []string{"Beyoncé - Halo", "Sinéad O'Connor - Nothing Compares 2 U"}
	for _, tc := range []struct {
		file, format, encoding string
		want                   []string
		skipped                int
	}{
		{"one-line.txt", "lines", "UTF-8", []string{"Queen - Bohemian Rhapsody"}, 0},
		{"mixed-endings.txt", "lines", "UTF-8", []string{"Queen - Bohemian Rhapsody", "ABBA - Dancing Queen", "Journey - Don't Stop Believin'", "Beyoncé - Halo"}, 0},
		{"utf8.tsv", "tsv", "UTF-8", halo, 0},
		{"utf8-bom.tsv", "tsv", "UTF-8", halo, 0},
		{"utf16le.txt", "tsv", "UTF-16LE", halo, 0},
		{"utf16be.txt", "tsv", "UTF-16BE", halo, 0},
		{"windows1252.csv", "csv", "Windows-1252", []string{"Beyoncé - Halo", "Sinéad O’Connor - Nothing Compares 2 U"}, 0},
		{"karafun.csv", "semicolon", "UTF-8", []string{"Queen - Bohemian Rhapsody", "Journey - Don't Stop Believin'", "Beyoncé - Halo", `Adele - Say "Hello" 12" Mix`}, 1},
		{"listing.txt", "lines", "UTF-8", []string{"Queen - Bohemian Rhapsody", "Journey - Don't Stop Believin'", "Beyonce - Halo", "ABBA - Dancing Queen", "Toto - Africa"}, 1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, rep, err := read(t, f)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("songs = %q, want %q", got, tc.want)
			}
			if rep.Format != tc.format || rep.Encoding != tc.encoding {
				t.Errorf("format %s %s, want %s %s", rep.Format, rep.Encoding, tc.format, tc.encoding)
			}
			if rep.Skipped != tc.skipped || len(rep.FirstSkips) != tc.skipped {
				t.Errorf("skipped %d (%v), want %d", rep.Skipped, rep.FirstSkips, tc.skipped)
			}
			if rep.Songs != len(tc.want) {
				t.Errorf("report says %d songs, want %d", rep.Songs, len(tc.want))
			}
		})
	}
}

func TestReadRefusesWhatIsNotASongList(t *testing.T) {
	for _, file := range []string{"empty.txt", "header-only.csv", "image.png", "archive.zip", "binary.bin"} {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, _, err := read(t, f)
			var notList *songbook.NotSongListError
			if !errors.As(err, &notList) || notList.Message == "" {
				t.Fatalf("Read = %v, want a NotSongListError", err)
			}
			if len(got) != 0 {
				t.Errorf("gave %d songs", len(got))
			}
		})
	}
}

func TestReadHeaderSynonymsInAnyOrder(t *testing.T) {
	for _, header := range []string{"Title,Artist", "ARTIST,TITLE", "Singer;Song", "Band\tSong Title\tNotes", "Performer,Year,Name", "Song,Year,Artist"} {
		t.Run(header, func(t *testing.T) {
			comma := string(header[strings.IndexAny(header, ",;\t")])
			cells := strings.Split(header, comma)
			row := make([]string, len(cells))
			for i, c := range cells {
				switch strings.ToLower(c) {
				case "title", "song", "song title", "name":
					row[i] = "Halo"
				case "artist", "singer", "band", "performer":
					row[i] = "Beyoncé"
				default:
					row[i] = "x"
				}
			}
			got, _, err := read(t, strings.NewReader(header+"\n"+strings.Join(row, comma)+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"Beyoncé - Halo"}; !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestReadLineForms(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"Queen - Bohemian Rhapsody", "Queen - Bohemian Rhapsody"},
		{"SC8125-01 - Queen - Bohemian Rhapsody.cdg", "Queen - Bohemian Rhapsody"},
		{"ZZK001 - Queen - Bohemian Rhapsody.MP4", "Queen - Bohemian Rhapsody"},
		{"Queen - Bohemian Rhapsody---dQw4w9WgXcQ", "Queen - Bohemian Rhapsody"},
		{"Queen - Bohemian Rhapsody [dQw4w9WgXcQ].mkv", "Queen - Bohemian Rhapsody"},
		{"Queen - Bohemian Rhapsody.mp3+g", "Queen - Bohemian Rhapsody"},
		{"Eagles - Hotel California - Live.avi", "Eagles - Hotel California - Live"},
		{"C:\\Karaoke\\Toto - Africa.kar", "Toto - Africa"},
	} {
		got, _, err := read(t, strings.NewReader(tc.line))
		if err != nil || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func TestReadSkipsAndReportsBadLines(t *testing.T) {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, "Artist %d - Song %d\nnot a song %d\n", i, i, i)
	}
	b.WriteString("artist 0 - SONG  0\n") // a duplicate
	got, rep, err := read(t, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || rep.Songs != 10 || rep.Duplicates != 1 {
		t.Errorf("songs %d (report %d), duplicates %d; want 10, 1", len(got), rep.Songs, rep.Duplicates)
	}
	if rep.Skipped != 10 || len(rep.FirstSkips) != 5 || rep.FirstSkips[0].Line != 2 || rep.FirstSkips[1].Line != 4 {
		t.Errorf("skipped %d, first %v; want 10, lines 2, 4, …", rep.Skipped, rep.FirstSkips)
	}
}

func TestReadProgressAndLimits(t *testing.T) {
	var b strings.Builder
	for i := range 2500 {
		fmt.Fprintf(&b, "Artist %d - Song %d\n", i, i)
	}
	var calls []songbook.Report
	_, err := songbook.Read(strings.NewReader(b.String()), func(songbook.Song) error { return nil }, func(r songbook.Report) { calls = append(calls, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[1].Songs != 2000 || calls[1].Bytes == 0 {
		t.Errorf("progress calls %+v, want two, the second at 2000 songs", calls)
	}
	stop := errors.New("stop")
	_, err = songbook.Read(strings.NewReader(b.String()), func(songbook.Song) error { return stop }, nil)
	if !errors.Is(err, stop) {
		t.Errorf("Read = %v, want the callback's error", err)
	}
}
