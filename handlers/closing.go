package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// closingExtensions are the host's buttons that move closing later.
var closingExtensions = []int{15, 30}

// offeredZones are the time zones the settings form lists, after the
// server's own; a session in another zone (set before, or by a plain post
// of any IANA name) has its zone listed too.
var offeredZones = []string{
	"UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Rome", "Europe/Amsterdam", "Europe/Brussels", "Europe/Zurich", "Europe/Vienna", "Europe/Stockholm",
	"Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
	"Europe/Athens", "Europe/Bucharest", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow",
	"Africa/Lagos", "Africa/Cairo", "Africa/Johannesburg", "Africa/Nairobi",
	"America/St_Johns", "America/Halifax", "America/New_York", "America/Chicago", "America/Denver",
	"America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
	"America/Mexico_City", "America/Bogota", "America/Lima", "America/Santiago", "America/Sao_Paulo",
	"America/Argentina/Buenos_Aires",
	"Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta",
	"Asia/Singapore", "Asia/Manila", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Taipei", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
}

// zoneOptions is the settings form's list of zones, with the chosen one in
// it whatever it is.
func zoneOptions(chosen string) []views.ZoneOption {
	// time.Local is named after TZ when TZ is set, else "Local".
	server, named := "The server's zone", ""
	if name := time.Local.String(); name != "Local" {
		server, named = server+", "+name, name
	}
	now := time.Now().Format("15:04")
	opts := []views.ZoneOption{{Name: "", Label: server + " (now " + now + ")", Server: named, Now: now}}
	found := chosen == ""
	for _, name := range offeredZones {
		if _, err := db.LoadZone(name); err != nil {
			continue // the system's zone files lack it
		}
		opts = append(opts, views.ZoneOption{Name: name, Label: name})
		found = found || name == chosen
	}
	if !found {
		opts = append(opts, views.ZoneOption{Name: chosen, Label: chosen})
	}
	return opts
}

// closingRule reads the settings form's closing fields.
func closingRule(r *http.Request) db.ClosingRule {
	return db.ClosingRule{
		Zone:  r.PostFormValue(views.TimeZoneField),
		Time:  r.PostFormValue(views.ClosingField),
		Shown: r.PostFormValue(views.ClosingShownField),
	}
}

// closingForm fills the settings form's closing fields from the session.
func closingForm(f *views.SettingsForm, s db.Session) {
	f.Zone, f.Closing, f.ClosingShown = s.TimeZone, s.ClosingClock(), s.ClosingClock()
	f.Zones = zoneOptions(s.TimeZone)
}

// closingView is the night's closing time as the pages show it at now.
func closingView(n db.Night, now time.Time) views.Closing {
	c := n.Session.ClosingAt
	if c.IsZero() {
		return views.Closing{}
	}
	return views.Closing{
		Clock:    n.Session.ClosingClock(),
		LastCall: !now.Before(c.Add(-db.LastCallWindow)) && !now.After(c),
		Passed:   now.After(c),
	}
}

// nextClosingChange is the next moment after now at which closingView
// changes by the clock alone (last call starts, closing passes); zero for
// none.
func nextClosingChange(n db.Night, now time.Time) time.Time {
	c := n.Session.ClosingAt
	switch {
	case c.IsZero() || !n.Session.Open() || now.After(c):
		return time.Time{}
	case now.Before(c.Add(-db.LastCallWindow)):
		return c.Add(-db.LastCallWindow)
	default:
		// closingView counts the closing minute itself as last call.
		return c.Add(time.Millisecond)
	}
}

// markClosing sets the dashboard's closing line at now, and marks each
// waiting song estimated to start after closing.
func markClosing(lg lang.Lang, l *views.DashboardLive, n db.Night, now time.Time) {
	l.Closing, l.Extend = views.Closing{}, nil
	if !n.Session.Open() {
		return // the night closed itself
	}
	l.Closing = closingView(n, now)
	if l.Closing.Clock != "" {
		for _, m := range closingExtensions {
			mins := strconv.Itoa(m)
			l.Extend = append(l.Extend, views.ClosingExtension{URL: hostActionPath(n.Session.ID, "closing/extend"), Minutes: mins, Label: lg.Tf("host.closing.extend", map[string]any{"Minutes": mins}),
				Title: lg.Tf("host.closing.extend_label", map[string]any{"Minutes": mins}),
				Key:   hostStateKey(n, "extend", mins)})
		}
	}
	for i := range l.Queue {
		l.Queue[i].AfterClosing = n.StartsAfterClosing(n.PlaceOf(i), now)
		if l.Queue[i].AfterClosing {
			l.Closing.AfterClosing++
		}
	}
}

// handleClosingExtend serves POST /host/{sessionID}/closing/extend: closing
// moves later by the form's minutes. The pressing device's rules form is
// sent too, showing the new time; another device's keeps the one it
// showed, which the store reads as unchanged (ClosingRule.Shown).
func (h *Handler) handleClosingExtend(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	mins, err := strconv.Atoi(r.PostFormValue(views.MinutesField))
	if err != nil {
		mins = 0 // refused by the store as out of range
	}
	if err := h.store.ExtendClosing(r.Context(), id, time.Duration(mins)*time.Minute); err != nil {
		h.hostActionDone(w, r, err)
		return
	}
	h.done(w, r, hostPath(id), func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), id)
		if err != nil {
			return nil, err
		}
		form := settingsForm(night.Session)
		form.OOB = true
		return templ.Join(views.DashboardLiveView(dashboardLive(lang.From(r.Context()), night)), views.HostNoticeUpdate(""), views.SettingsFormView(form)), nil
	})
}
