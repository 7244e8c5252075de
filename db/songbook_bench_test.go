package db_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// benchSongs is the size of the generated songbook the benchmarks use: the
// issue's 250,000 songs.
const benchSongs = 250_000

// generatedList is a song list of n made-up songs in KaraFun's format:
// 20,000 artists and titles of two to five words from a vocabulary of
// 3,000, with real songs among them for the queries to find, so prefixes
// like "lo" match thousands of songs as they would in a real catalogue.
func generatedList(n int) string {
	rng := rand.New(rand.NewPCG(13, 13))
	syllables := strings.Fields("ka ra o ke lo ve ni ght da nce qu ee n ro ck he ar t ba by mi ss yo u me ta li ca ma ri ya so ng be ll")
	word := func() string {
		var w strings.Builder
		for range 1 + rng.IntN(3) {
			w.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return w.String()
	}
	vocabulary := make([]string, 3000)
	for i := range vocabulary {
		vocabulary[i] = word()
	}
	phrase := func(words int) string {
		p := make([]string, words)
		for i := range p {
			p[i] = vocabulary[rng.IntN(len(vocabulary))]
		}
		return strings.Join(p, " ")
	}
	artists := make([]string, 20_000)
	for i := range artists {
		artists[i] = phrase(1 + rng.IntN(2))
	}
	var b strings.Builder
	b.WriteString("Id;Title;Artist;Year;Duo;Explicit;\"Date Added\";Styles;Languages\n")
	real := [][2]string{{"Bohemian Rhapsody", "Queen"}, {"Don't Stop Believin'", "Journey"}, {"Halo", "Beyoncé"}, {"Dancing Queen", "ABBA"}}
	for i := range n {
		title, artist := phrase(2+rng.IntN(4)), artists[rng.IntN(len(artists))]
		if i%(n/len(real)) == 0 {
			title, artist = real[i/(n/len(real))][0], real[i/(n/len(real))][1]
		}
		fmt.Fprintf(&b, "%d;%s;%s;1999;0;0;\"2020-01-01\";Pop;English\n", i, title, artist)
	}
	return b.String()
}

func fileSize(tb testing.TB, path string) int64 {
	tb.Helper()
	var size int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			size += fi.Size()
		}
	}
	return size
}

// BenchmarkImportSongbook imports 250,000 songs into an empty database and
// reports the seconds an import takes and how much the database file grows
// per 100,000 songs (after the store's closing checkpoint), and the time
// between two chunks written (the writer held for one, and the next read),
// at the median and the longest.
//
//	go test ./db -run XXX -bench ImportSongbook -benchtime 1x
func BenchmarkImportSongbook(b *testing.B) {
	list := generatedList(benchSongs)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "karaoke.db")
		store, err := db.Open(ctx, "file:"+path)
		if err != nil {
			b.Fatal(err)
		}
		store.Close()
		before := fileSize(b, path)
		store, err = db.Open(ctx, "file:"+path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		// The time between two chunks written: the writer held for one
		// chunk, and reading the next.
		var chunks []time.Duration
		last := start
		progress := func(db.ImportProgress) {
			chunks = append(chunks, time.Since(last))
			last = time.Now()
		}
		book, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "house", Progress: progress}, strings.NewReader(list))
		if err != nil || book.Songs < benchSongs-100 {
			b.Fatalf("import: %d songs, %v", book.Songs, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		slices.Sort(chunks)
		b.ReportMetric(chunks[len(chunks)/2].Seconds(), "s/chunk-p50")
		b.ReportMetric(chunks[len(chunks)-1].Seconds(), "s/chunk-max")
		b.StopTimer()
		store.Close()
		b.ReportMetric(float64(fileSize(b, path)-before)/float64(book.Songs)*100_000/(1<<20), "MB/100k-songs")
		b.StartTimer()
	}
}

// BenchmarkSearchSongs searches a songbook of 250,000 songs and reports the
// server time of a search (SearchSongs, flags included) at the 50th and
// 99th percentile, for typical queries and the typo fallbacks ("ohbemian",
// a typo in every word's first letters, is the one that looks for close
// words).
//
//	go test ./db -run XXX -bench SearchSongs -benchtime 2000x
func BenchmarkSearchSongs(b *testing.B) {
	ctx := context.Background()
	store := db.OpenForTest(b, "file:"+filepath.Join(b.TempDir(), "karaoke.db"))
	sess, _, err := store.CreateSession(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	book, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "house"}, strings.NewReader(generatedList(benchSongs)))
	if err != nil {
		b.Fatal(err)
	}
	if err := store.UseSongbook(ctx, sess.ID, book.ID, ""); err != nil {
		b.Fatal(err)
	}
	// Cold is a query the store has not answered lately (its pages are
	// forgotten before each search); warm one it has, whose songs the store
	// kept and only reads what they are to tonight.
	for _, warmth := range []string{"cold", "warm"} {
		for _, q := range []string{"bo", "boh", "bohem", "queen bohem", "dont stop", "beyonce halo", "lo", "love", "kara ni", "bohemain rapsody", "ohbemian", "zzzzzz"} {
			benchSearch(b, store, sess.ID, warmth, q)
		}
	}
}

func benchSearch(b *testing.B, store *db.Store, sessionID int64, warmth, q string) {
	ctx := context.Background()
	b.Run(warmth+"/"+q, func(b *testing.B) {
		var times []time.Duration
		for b.Loop() {
			if warmth == "cold" {
				store.ForgetSongPages()
			}
			start := time.Now()
			if _, err := store.SearchSongs(ctx, sessionID, q, 0); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
	})
}
