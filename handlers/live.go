package handlers

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/fnv"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// streamURL is a page's event stream, with the version the page was
// rendered at, so that an unchanged session sends nothing on connect; ""
// once the session has ended.
func streamURL(path string, s db.Session) string {
	if !s.Open() {
		return ""
	}
	return path + "/events?v=" + strconv.FormatInt(s.Version, 10)
}

// handleGuestEvents serves GET /j/{code}/events: a joined guest's stream,
// or the join page's.
func (h *Handler) handleGuestEvents(w http.ResponseWriter, r *http.Request) {
	gc, err := h.loadGuest(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !gc.joined {
		// A device that has not joined is on the join page: it follows the
		// night only to learn that it ended.
		h.live.Serve(w, r, live.Listener{SessionID: gc.session.ID, Page: live.PageJoin, Client: clientAddress(r), Lang: lang.From(r.Context()).Tag()})
		return
	}
	h.live.Serve(w, r, live.Listener{SessionID: gc.session.ID, Page: live.PageGuest, GuestID: gc.guest.ID, Client: clientAddress(r), Lang: lang.From(r.Context()).Tag()})
}

// handleDisplayEvents serves GET /d/{code}/events: the TV's stream.
func (h *Handler) handleDisplayEvents(w http.ResponseWriter, r *http.Request) {
	sess, err := sessionOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.live.Serve(w, r, live.Listener{SessionID: sess.ID, Page: live.PageDisplay, Client: clientAddress(r), Lang: lang.From(r.Context()).Tag()})
}

// handleDashboardEvents serves GET /host/{sessionID}/events: the host's stream.
func (h *Handler) handleDashboardEvents(w http.ResponseWriter, r *http.Request) {
	h.live.Serve(w, r, live.Listener{SessionID: hostSessionID(r), Page: live.PageHost, Client: clientAddress(r), Lang: lang.From(r.Context()).Tag()})
}

// LiveSource is what a live broker for these handlers reads sessions from:
// the store, rendered into the pages' live fragments.
func LiveSource(store *db.Store) live.Source { return liveSource{store} }

// liveSource gives the live broker the session's state, read from the store.
type liveSource struct{ store *db.Store }

func (s liveSource) Frame(ctx context.Context, sessionID int64) (live.Frame, error) {
	night, err := s.store.Night(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if night.HoldExpired(time.Now()) {
		// The hub's timer rang for a hold that ran out: end it with a write
		// now, not at the next tap, and show the line as that write left it.
		// A write the disk refuses leaves the hold to the next write; the
		// streams go on showing the night as it is stored.
		if err := s.store.ExpireHolds(ctx, sessionID); err != nil {
			slog.Error("end a hold that ran out", "session", sessionID, "err", err)
		} else if night, err = s.store.Night(ctx, sessionID); err != nil {
			return nil, err
		}
	}
	return &liveFrame{store: s.store, night: night, now: time.Now()}, nil
}

func (s liveSource) Versions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	return s.store.SessionVersions(ctx, ids)
}

// liveFrame renders one version of a session for the streams. What is the
// same for everyone on a page is rendered once, on first use; what is a
// guest's own (their status, songs and view of the queue) is rendered once
// per guest.
type liveFrame struct {
	store *db.Store
	night db.Night
	// now is the moment the frame shows: its last call is as of now, and
	// the broker loads a new frame when the clock changes it (ClockChange).
	now     time.Time
	removed map[int64]bool // guests the host removed, read on first use
	// langs are the fragments rendered in each language in use, by its
	// tag: each is rendered once per language, not once per listener.
	langs map[string]*rendered
}

// rendered is a frame's fragments in one language, each rendered on first
// use.
type rendered struct {
	lg      lang.Lang
	ctx     context.Context // renders in lg
	host    []live.Event
	display []live.Event
	join    []live.Event
	guest   []live.Event // the guests' shared fragments
	guests  map[int64][]live.Event
}

// in is the frame's fragments in the language tag names (the default for
// a tag the app does not have).
func (f *liveFrame) in(tag string) *rendered {
	lg := lang.Shipped().Match(tag)
	if rd, ok := f.langs[lg.Tag()]; ok {
		return rd
	}
	if f.langs == nil {
		f.langs = map[string]*rendered{}
	}
	rd := &rendered{lg: lg, ctx: lang.With(context.Background(), lg), guests: map[int64][]live.Event{}}
	f.langs[lg.Tag()] = rd
	return rd
}

func (f *liveFrame) Version() int64 { return f.night.Session.Version }
func (f *liveFrame) Ended() bool    { return !f.night.Session.Open() }

// ClockChange implements live.Clocked: the night's look changes at last
// call and at closing, with no write to mark it, and a hold runs out (when
// the frame loaded then ends it with a write: see Frame).
func (f *liveFrame) ClockChange() (next time.Time, changed bool) {
	c := closingView(f.night, f.now)
	next = nextClosingChange(f.night, f.now)
	if hold := f.night.HoldEnds(); f.night.Session.Open() && hold.After(f.now) && (next.IsZero() || hold.Before(next)) {
		next = hold
	}
	return next, c.LastCall || c.Passed
}

func (f *liveFrame) Events(l live.Listener) ([]live.Event, error) {
	var err error
	tag := l.Lang
	if l.Page == live.PageDisplay {
		tag = f.night.Session.Language // the TV speaks the night's language
	}
	rd := f.in(tag)
	switch l.Page {
	case live.PageHost:
		if rd.host == nil {
			guests, gerr := f.store.Guests(context.Background(), f.night.Session.ID)
			if gerr != nil {
				return nil, gerr
			}
			rd.host, err = f.hostEvents(rd, guests)
		}
		return rd.host, err
	case live.PageDisplay:
		if rd.display == nil {
			d := displayLive(rd.lg, f.night)
			d.Closing = closingView(f.night, f.now)
			d.NewSinger = justStarted(f.night, f.now)
			rd.display, err = f.render(rd,
				views.Fragment{Event: views.EventDisplayNow, Component: views.DisplayNowEvent(d)},
				views.Fragment{Event: views.EventDisplayNext, Component: views.DisplayNextView(d)})
		}
		return rd.display, err
	case live.PageJoin:
		if rd.join == nil {
			rd.join, err = f.render(rd, views.Fragment{Event: views.EventJoin, Component: views.JoinLiveView(f.Ended())})
		}
		return rd.join, err
	case live.PageGuest:
		if rd.guest == nil {
			rd.guest, err = f.render(rd,
				views.Fragment{Event: views.EventGuestNow, Component: views.GuestNowView(nowSinging(f.night), f.Ended())})
			if err != nil {
				return nil, err
			}
			if f.night.Session.SongbookID != 0 {
				rd.guest = append(rd.guest, live.NewEvent(f.Version(), views.EventGuestSongs, songsMark(f.night)))
			}
		}
		if own, ok := rd.guests[l.GuestID]; ok {
			return own, nil
		}
		if f.removed == nil {
			if f.removed, err = f.store.RemovedGuests(context.Background(), f.night.Session.ID); err != nil {
				return nil, err
			}
		}
		mine := f.night.SongsOf(l.GuestID)
		status := guestStatus(rd.lg, f.night, l.GuestID, f.removed[l.GuestID], mine)
		fair := fairness(rd.lg, f.night, l.GuestID)
		if status.Closing.Clock != "" {
			status.Closing = closingView(f.night, f.now)
		}
		own, err := f.render(rd,
			views.Fragment{Event: views.EventGuestStatus, Component: views.GuestStatusEvent(status)},
			views.Fragment{Event: views.EventGuestMine, Component: views.MyRequestsView(myRequests(rd.lg, f.night, mine), f.Ended())},
			views.Fragment{Event: views.EventGuestHeld, Component: views.HeldView(heldItems(f.night, l.GuestID), f.Ended())},
			views.Fragment{Event: views.EventGuestStandby, Component: views.StandbyView(standbyList(rd.lg, f.night, l.GuestID, f.removed[l.GuestID]))},
			// The queue is personal too: each guest sees their next song
			// marked, with the songs around it.
			views.Fragment{Event: views.EventGuestQueue, Component: views.GuestQueueView(guestQueue(rd.lg, f.night, mine))},
			// The forecast and "why this order" follow the queue in the
			// same frame, so they never tell of an order it does not have.
			views.Fragment{Event: views.EventGuestForecast, Component: views.ForecastView(forecast(rd.lg, f.night, l.GuestID, f.now))},
			views.Fragment{Event: views.EventGuestFairness, Component: views.FairnessBody(fair)},
			views.Fragment{Event: views.EventGuestSung, Component: views.FairnessSingers(fair)})
		if err != nil {
			return nil, err
		}
		// In the page's order: status, songs, held songs, standby, now
		// singing, queue, then the forecast and "why this order".
		own = slices.Insert(own, 4, rd.guest...)
		rd.guests[l.GuestID] = own
		return own, nil
	}
	return nil, nil
}

// hostEvents are the dashboard's live parts: the top (now singing and the
// night's controls), the queue's summary, each queue row under a key of its
// own, the queue's order as ids, and the guests. The broker sends a stream
// only the keys whose bytes changed, so one request added costs its row,
// the order and the summary, not the queue. The rows come before the order,
// so the page has every row the order names.
func (f *liveFrame) hostEvents(rd *rendered, guests []db.GuestListing) ([]live.Event, error) {
	dl := dashboardLive(rd.lg, f.night)
	markClosing(rd.lg, &dl, f.night, f.now)
	out, err := f.render(rd,
		views.Fragment{Event: views.EventHostLive, Component: views.DashboardLiveView(dl)},
		views.Fragment{Event: views.EventHostSummary, Component: views.HostSummary(dl)})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(dl.Queue))
	for _, q := range dl.Queue {
		row, err := renderOne(rd.ctx, views.HostQueueRow(q))
		if err != nil {
			return nil, err
		}
		out = append(out, live.NewKeyedEvent(f.Version(), views.HostRowKey(q.ID), views.EventHostRow, row))
		ids = append(ids, strconv.FormatInt(q.ID, 10))
	}
	name, count, err := f.songbookSize(rd.lg)
	if err != nil {
		return nil, err
	}
	rest, err := f.render(rd,
		views.Fragment{Event: views.EventHostOrder, Component: views.HostQueueOrder(strings.Join(ids, " "))},
		views.Fragment{Event: views.EventHostGuests, Component: views.GuestsCard(guestItems(f.night.Session, guests))},
		views.Fragment{Event: views.EventHostPending, Component: views.PendingCard(pendingList(f.night))},
		views.Fragment{Event: views.EventHostLog, Component: views.AuditLogView(auditLog(rd.lg, f.night))},

		views.Fragment{Event: views.EventHostSongbook, Component: views.SongbookSizeView(name, count)})
	return append(out, rest...), err
}

// songbookSize is the night's songbook's name and size, as the Songs
// section shows them; "" for a night without one.
func (f *liveFrame) songbookSize(lg lang.Lang) (name, count string, err error) {
	if f.night.Session.SongbookID == 0 {
		return "", "", nil
	}
	book, err := f.store.SessionSongbook(context.Background(), f.night.Session.ID)
	if db.ErrorCode(err) == db.ENOTFOUND {
		return "", "", nil // removed since the night was read
	}
	if err != nil {
		return "", "", err
	}
	return book.Name, songCount(lg, book.Songs), nil
}

func renderOne(ctx context.Context, c templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	err := c.Render(ctx, &buf)
	return buf.Bytes(), err
}

// render renders fragments, in rd's language, into the events of this
// frame's version.
func (f *liveFrame) render(rd *rendered, fragments ...views.Fragment) ([]live.Event, error) {
	out := make([]live.Event, 0, len(fragments))
	for _, fr := range fragments {
		html, err := renderOne(rd.ctx, fr.Component)
		if err != nil {
			return nil, err
		}
		out = append(out, live.NewEvent(f.Version(), fr.Event, html))
	}
	return out, nil
}

// newSingerWindow is how long after a turn starts the TV's event for it
// marks it new (the glow): long enough for a change learnt by the version
// poll, short enough that a stream reconnecting later does not replay it.
const newSingerWindow = 15 * time.Second

// justStarted reports whether the turn in progress started within
// newSingerWindow of now.
func justStarted(n db.Night, now time.Time) bool {
	return n.NowSinging != nil && now.Sub(n.NowSinging.StartedAt) < newSingerWindow
}

// songsMark names the set of requests waiting and singing tonight, which a
// song's "waiting" and "sung tonight" follow: it changes when a request is
// added, withdrawn, removed, started or ended, and not when the queue is
// only reordered, so a guest's results are asked for again only then.
func songsMark(n db.Night) []byte {
	ids := make([]int64, 0, len(n.Queue())+1)
	for _, r := range n.Queue() {
		ids = append(ids, r.ID)
	}
	if n.NowSinging != nil {
		ids = append(ids, n.NowSinging.ID)
	}
	slices.Sort(ids)
	h := fnv.New64a()
	for _, id := range ids {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(id)))
	}
	return strconv.AppendUint(nil, h.Sum64(), 36)
}
