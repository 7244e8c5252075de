package handlers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/fold"
	"github.com/karaoke-night/karaoke/lang"
)

// The exports of a night's history: a CSV for a spreadsheet, one row a
// turn, and JSON with the numbers as well. Both are built whole in memory
// before a byte is sent (a night is some kilobytes), so a failure is an
// error page, never half a file.

// csvHeader is the CSV's first row, in the night's language. Times are the
// venue's clock, as a spreadsheet reads them ("2026-11-26 21:04:05").
func csvHeader(lg lang.Lang) []string {
	return []string{lg.T("host.export.started"), lg.T("host.export.ended"), lg.T("host.export.singer"), lg.T("host.export.title"),
		lg.T("host.export.artist"), lg.T("host.export.length"), lg.T("host.export.skipped")}
}

const csvTimeLayout = "2006-01-02 15:04:05"

// utf8BOM starts the CSV so that Excel reads it as UTF-8 (Beyoncé, not
// BeyoncÃ©); other programs skip it.
const utf8BOM = "\ufeff"

// handleHistoryCSV serves GET /host/{sessionID}/history.csv: the night's
// turns as RFC 4180 CSV (CRLF line ends), one row a turn after a header
// row, each cell made safe to open in a spreadsheet (spreadsheetSafe).
func (h *Handler) handleHistoryCSV(w http.ResponseWriter, r *http.Request) {
	hist, err := h.store.History(r.Context(), hostSessionID(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := nightZone(hist.Session)
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	lg := lang.Shipped().Match(hist.Session.Language)
	records := [][]string{csvHeader(lg)}
	for _, t := range hist.Turns {
		records = append(records, csvRow(lg, t, loc))
	}
	if err := cw.WriteAll(records); err != nil {
		h.fail(w, r, err)
		return
	}
	h.sendExport(w, "text/csv; charset=utf-8", exportFileName(hist.Session, loc, "csv"), buf.Bytes())
}

func csvRow(lg lang.Lang, t db.Turn, loc *time.Location) []string {
	row := []string{"", "", t.Singer, t.Title, t.Artist, "", lg.T("host.export.no")}
	if t.Started() {
		row[0] = t.StartedAt.In(loc).Format(csvTimeLayout)
	}
	if !t.EndedAt.IsZero() {
		row[1] = t.EndedAt.In(loc).Format(csvTimeLayout)
	}
	if s, ok := lengthSeconds(t); ok {
		row[5] = strconv.FormatInt(s, 10)
	}
	if t.Skipped {
		row[6] = lg.T("host.export.yes")
	}
	for i, cell := range row {
		row[i] = spreadsheetSafe(cell)
	}
	return row
}

// spreadsheetSafe keeps a spreadsheet from reading a cell as a formula: a
// guest who calls themselves =HYPERLINK(…) would otherwise put a link, or
// worse, in the host's spreadsheet. A cell that begins with = + - @, a tab
// or a carriage return gets a leading apostrophe, which spreadsheets show
// as text (OWASP's advice on CSV injection); the rest is left as typed.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// lengthSeconds is how long a turn lasted in whole seconds; false when it
// never started or is being sung.
func lengthSeconds(t db.Turn) (int64, bool) {
	if !t.Started() || t.EndedAt.IsZero() {
		return 0, false
	}
	return int64(t.Length().Round(time.Second) / time.Second), true
}

// historyJSON is the JSON export. Times are RFC 3339 in the venue's zone;
// null where the CSV leaves a cell empty.
type historyJSON struct {
	Session   string      `json:"session"`
	StartedAt time.Time   `json:"started_at"`
	EndedAt   *time.Time  `json:"ended_at"` // null while the night goes on
	Numbers   numbersJSON `json:"numbers"`
	Turns     []turnJSON  `json:"turns"`
}

type turnJSON struct {
	Singer    string     `json:"singer"`
	Title     string     `json:"title"`
	Artist    string     `json:"artist"`
	StartedAt *time.Time `json:"started_at"` // null: skipped before it started
	EndedAt   *time.Time `json:"ended_at"`   // null: being sung
	Seconds   *int64     `json:"seconds"`
	Skipped   bool       `json:"skipped"`
}

type numbersJSON struct {
	SongsSung          int            `json:"songs_sung"`
	Singers            int            `json:"singers"`
	Skipped            int            `json:"skipped"`
	AverageTurnSeconds int64          `json:"average_turn_seconds"`
	BusiestHalfHour    *halfHourJSON  `json:"busiest_half_hour"` // null when nothing was sung
	TopArtists         []artistJSON   `json:"top_artists"`
	SongsPerHalfHour   []halfHourJSON `json:"songs_per_half_hour"`
}

type halfHourJSON struct {
	Start time.Time `json:"start"`
	Songs int       `json:"songs"`
}

type artistJSON struct {
	Artist string `json:"artist"`
	Songs  int    `json:"songs"`
}

// handleHistoryJSON serves GET /host/{sessionID}/history.json: the night's
// turns and numbers as JSON.
func (h *Handler) handleHistoryJSON(w http.ResponseWriter, r *http.Request) {
	hist, err := h.store.History(r.Context(), hostSessionID(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := nightZone(hist.Session)
	body, err := json.MarshalIndent(exportJSON(hist, loc), "", "  ")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.sendExport(w, "application/json; charset=utf-8", exportFileName(hist.Session, loc, "json"), append(body, '\n'))
}

func exportJSON(hist db.History, loc *time.Location) historyJSON {
	at := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		local := t.In(loc).Truncate(time.Second)
		return &local
	}
	nums := hist.Numbers(loc)
	out := historyJSON{
		Session:   hist.Session.Name,
		StartedAt: *at(hist.Session.CreatedAt),
		EndedAt:   at(hist.Session.EndedAt),
		Numbers: numbersJSON{
			SongsSung: nums.Sung, Singers: nums.Singers, Skipped: nums.Skipped,
			AverageTurnSeconds: int64(nums.AverageTurn.Round(time.Second) / time.Second),
			TopArtists:         []artistJSON{},
			SongsPerHalfHour:   []halfHourJSON{},
		},
		Turns: []turnJSON{},
	}
	if nums.Busiest.Songs > 0 {
		out.Numbers.BusiestHalfHour = &halfHourJSON{Start: nums.Busiest.Start, Songs: nums.Busiest.Songs}
	}
	for _, a := range nums.TopArtists {
		out.Numbers.TopArtists = append(out.Numbers.TopArtists, artistJSON(a))
	}
	for _, hh := range nums.PerHalfHour {
		out.Numbers.SongsPerHalfHour = append(out.Numbers.SongsPerHalfHour, halfHourJSON(hh))
	}
	for _, t := range hist.Turns {
		turn := turnJSON{Singer: t.Singer, Title: t.Title, Artist: t.Artist,
			StartedAt: at(t.StartedAt), EndedAt: at(t.EndedAt), Skipped: t.Skipped}
		if s, ok := lengthSeconds(t); ok {
			turn.Seconds = &s
		}
		out.Turns = append(out.Turns, turn)
	}
	return out
}

// sendExport sends a file to download: its type, a Content-Disposition
// naming it, and the body.
func (h *Handler) sendExport(w http.ResponseWriter, contentType, fileName string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileName}))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// exportFileName names an export after the night and the day it started:
// karaoke-friday-at-joes-2026-11-26.csv. The name is cut to ASCII letters,
// digits and hyphens, which every system takes in a file name.
func exportFileName(sess db.Session, loc *time.Location, ext string) string {
	var b strings.Builder
	for _, word := range strings.Fields(fold.Loose(sess.Name)) {
		for _, r := range word {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				if b.Len() >= 40 {
					break
				}
				b.WriteRune(r)
			}
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return "karaoke-" + b.String() + sess.CreatedAt.In(loc).Format("2006-01-02") + "." + ext
}
