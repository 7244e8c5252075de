package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// handleDashboard serves GET /host/{sessionID}: the host's page, or for htmx
// its live part. The page is kept per version like the guest's (what it
// shows beyond the night is read each time and is part of its key), and
// sent with the requester's own host link filled in, outside what is
// compressed (see keptPage).
func (h *Handler) handleDashboard(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	night, err := h.store.Night(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	shows, err := h.dashboardShows(r, night)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lg := lang.From(r.Context())
	how := kept{Page: "dashboard", Shows: shows.key(), Secret: h.hostLink(r, id), Device: db.HostDevice(r.Context()), NoStore: true}
	h.respondKeptAs(w, r, night.Session, how, func() (templ.Component, error) {
		return views.DashboardLiveView(dashboardLive(lg, night)), nil
	}, func() (templ.Component, error) {
		x, err := h.dashboardGuests(r, night, shows)
		if err != nil {
			return nil, err
		}
		vm := h.dashboardView(r, night, dashboardLive(lg, night), settingsForm(night.Session), x)
		vm.HostLink, vm.Device = views.SecretSlot, views.DeviceSlot
		return views.Dashboard(vm), nil
	})
}

// hostLink is the private host link of the host key r holds.
func (h *Handler) hostLink(r *http.Request, id int64) string {
	return h.absoluteURL(r, hostPath(id)+"/claim/"+hostKey(r, id))
}

// dashboardShows is what the dashboard shows beyond the Night that changes
// without the session's version (a TV paired, a songbook imported, the
// copy's status): read for every request, and part of the kept page's key.
type dashboardShows struct {
	Songbook    views.SongbookCard
	TVs         views.TVScreens
	Replication views.ReplicationLine
	Replicated  bool
}

// dashboardExtras is all the dashboard shows beyond the Night: its shows,
// and the guests and walk-ups, which follow the session's version (a
// join, a removal, a walk-up and a request each move it), so a page kept
// for the version shows them as they are.
type dashboardExtras struct {
	dashboardShows
	Guests views.GuestsList
	Walkup views.WalkupForm
}

func (h *Handler) dashboardShows(r *http.Request, night db.Night) (dashboardShows, error) {
	songs, err := h.songbookCard(r, night.Session.ID, !night.Session.Open())
	if err != nil {
		return dashboardShows{}, err
	}
	tvs, err := h.screensCard(r, night.Session, views.TVScreens{})
	if err != nil {
		return dashboardShows{}, err
	}
	x := dashboardShows{Songbook: songs, TVs: tvs}
	if l := h.replicationLine(r); l != nil {
		x.Replication, x.Replicated = *l, true
	}
	return x, nil
}

// dashboardGuests reads the guests and walk-ups beside shows. They are
// read after the Night, so they are of its version or a later one.
func (h *Handler) dashboardGuests(r *http.Request, night db.Night, shows dashboardShows) (dashboardExtras, error) {
	id := night.Session.ID
	guests, err := h.store.Guests(r.Context(), id)
	if err != nil {
		return dashboardExtras{}, err
	}
	walkups, err := h.store.Walkups(r.Context(), id)
	if err != nil {
		return dashboardExtras{}, err
	}
	return dashboardExtras{dashboardShows: shows, Guests: guestItems(night.Session, guests), Walkup: walkupForm(id, walkups, views.WalkupForm{})}, nil
}

// key is the shows in a few bytes, for the kept page's key.
func (x dashboardShows) key() string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%+v", x))
	return hex.EncodeToString(sum[:16])
}

func (h *Handler) dashboardPage(r *http.Request, night db.Night, live views.DashboardLive, settings views.SettingsForm) (views.DashboardPage, error) {
	shows, err := h.dashboardShows(r, night)
	if err != nil {
		return views.DashboardPage{}, err
	}
	x, err := h.dashboardGuests(r, night, shows)
	if err != nil {
		return views.DashboardPage{}, err
	}
	vm := h.dashboardView(r, night, live, settings, x)
	vm.HostLink, vm.Device = h.hostLink(r, night.Session.ID), db.HostDevice(r.Context())
	return vm, nil
}

// dashboardView is the dashboard's view model, its host link left out.
func (h *Handler) dashboardView(r *http.Request, night db.Night, live views.DashboardLive, settings views.SettingsForm, x dashboardExtras) views.DashboardPage {
	id := night.Session.ID
	vm := views.DashboardPage{
		TVs:            x.TVs,
		Session:        h.sessionInfo(r, night.Session),
		Stream:         streamURL(hostPath(id), night.Session),
		NewHostLinkURL: hostActionPath(id, "host-link"),
		Live:           live,
		Settings:       settings,
		Guests:         x.Guests,
		Songbook:       x.Songbook,
		HistoryURL:     historyPath(id),
		Walkup:         x.Walkup,
		Pending:        pendingList(night),
		Log:            auditLog(lang.From(r.Context()), night),
	}
	if x.Replicated {
		vm.Replication = &x.Replication
	}
	return vm
}
