package db

import (
	"cmp"
	"slices"
	"time"

	"github.com/karaoke-night/karaoke/fold"
)

// HalfHour is a half hour of the night, starting on the hour or the half
// hour of the venue's clock, and the songs whose turns started in it.
type HalfHour struct {
	Start time.Time
	Songs int
}

// ArtistSongs is an artist and how many of their songs were sung.
type ArtistSongs struct {
	Artist string
	Songs  int
}

// Numbers is the night in numbers, as its history shows it.
type Numbers struct {
	Sung    int // songs sung: turns started and not skipped
	Skipped int // turns skipped, from the queue or stopped while sung
	Singers int // guests who sang at least one song
	// AverageTurn is the mean length of the songs sung whose turns have
	// ended; 0 when none has.
	AverageTurn time.Duration
	// Busiest is the half hour in which the most songs were started, the
	// earliest of equals; its Songs is 0 when no song was sung.
	Busiest HalfHour
	// TopArtists are the artists sung most, most first (then A to Z), at
	// most MaxTopArtists; songs without an artist are left out.
	TopArtists []ArtistSongs
	// PerHalfHour is the songs sung in each half hour from the first
	// song's to the last one's, empty half hours included; a night that
	// spans more than MaxChartHalfHours lists only its half hours with
	// songs, so a session left open for days is not thousands of bars.
	PerHalfHour []HalfHour
}

const (
	// MaxTopArtists is how many artists Numbers names.
	MaxTopArtists = 5
	// MaxChartHalfHours is the longest span (a day) whose every half
	// hour PerHalfHour lists.
	MaxChartHalfHours = 48
)

// Numbers counts the night's songs, singers and turns. Half hours are those
// of the clock in loc, the venue's time zone: a zone 45 minutes off UTC
// still counts from 21:00 and 21:30.
func (h History) Numbers(loc *time.Location) Numbers {
	var (
		n       Numbers
		singers = map[int64]bool{}
		perHalf = map[int64]int{} // by the half hour's start, Unix seconds
		artists = map[string]*ArtistSongs{}
		ended   int
		total   time.Duration
	)
	for _, t := range h.Turns {
		if !t.Sung() {
			if t.Skipped {
				n.Skipped++
			}
			continue
		}
		n.Sung++
		singers[t.GuestID] = true
		if !t.EndedAt.IsZero() {
			ended++
			total += t.Length()
		}
		perHalf[halfHourOf(t.StartedAt, loc).Unix()]++
		if key := fold.Key(t.Artist); key != "" {
			if a, ok := artists[key]; ok {
				a.Songs++
			} else {
				artists[key] = &ArtistSongs{Artist: t.Artist, Songs: 1}
			}
		}
	}
	n.Singers = len(singers)
	if ended > 0 {
		n.AverageTurn = total / time.Duration(ended)
	}
	n.PerHalfHour = halfHours(perHalf, loc)
	for _, hh := range n.PerHalfHour {
		if hh.Songs > n.Busiest.Songs {
			n.Busiest = hh
		}
	}
	for _, a := range artists {
		n.TopArtists = append(n.TopArtists, *a)
	}
	slices.SortFunc(n.TopArtists, func(a, b ArtistSongs) int {
		return cmp.Or(cmp.Compare(b.Songs, a.Songs), cmp.Compare(fold.Key(a.Artist), fold.Key(b.Artist)))
	})
	if len(n.TopArtists) > MaxTopArtists {
		n.TopArtists = n.TopArtists[:MaxTopArtists]
	}
	return n
}

// halfHourOf is the start of the half hour of loc's clock that t falls in.
// It steps back from t by the minutes past :00 or :30 on that clock rather
// than building the time from its fields, which is ambiguous in the hour a
// clock goes back.
func halfHourOf(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	past := time.Duration(local.Minute()%30)*time.Minute +
		time.Duration(local.Second())*time.Second + time.Duration(local.Nanosecond())
	return local.Add(-past)
}

// halfHours lists the counted half hours (by their starts' Unix seconds)
// in order, with the empty ones between them when the span is at most
// MaxChartHalfHours.
func halfHours(counted map[int64]int, loc *time.Location) []HalfHour {
	if len(counted) == 0 {
		return nil
	}
	starts := make([]int64, 0, len(counted))
	for start := range counted {
		starts = append(starts, start)
	}
	slices.Sort(starts)
	const step = 30 * 60
	first, last := starts[0], starts[len(starts)-1]
	if last-first < MaxChartHalfHours*step {
		starts = starts[:0]
		for t := first; t <= last; t += step {
			starts = append(starts, t)
		}
	}
	out := make([]HalfHour, len(starts))
	for i, start := range starts {
		out[i] = HalfHour{Start: time.Unix(start, 0).In(loc), Songs: counted[start]}
	}
	return out
}
