package handlers

import (
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

func TestImportBar(t *testing.T) {
	tests := []struct {
		name string
		at   db.ImportProgress
		size int64
		want views.SongbookProgress
	}{
		{"half of a known size", db.ImportProgress{Songs: 120_000, Bytes: 4_800_000}, 10_000_000,
			views.SongbookProgress{Label: "Importing: 120,000 of about 250,000 songs", Value: "4800000", Max: "10000000"}},
		{"a small list, to the hundred", db.ImportProgress{Songs: 2000, Bytes: 1000}, 2300,
			views.SongbookProgress{Label: "Importing: 2,000 of about 4,600 songs", Value: "1000", Max: "2300"}},
		{"read past the length given", db.ImportProgress{Songs: 4000, Bytes: 900}, 800,
			views.SongbookProgress{Label: "Importing: 4,000 of about 4,000 songs", Value: "800", Max: "800"}},
		{"size not known", db.ImportProgress{Songs: 6000, Bytes: 300_000}, -1,
			views.SongbookProgress{Label: "Importing: 6,000 songs so far"}},
		{"nothing read yet", db.ImportProgress{}, 5000,
			views.SongbookProgress{Label: "Importing: 0 songs so far"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := *importBar(tt.at, tt.size), tt.want; got != want {
				t.Errorf("importBar = %+v, want %+v", got, want)
			}
		})
	}
}
