package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// The closing time: the last moment a song may start. The host gives it as
// a time of day in the venue's time zone; the store keeps the instant it
// names, the next time the clock shows it, so that 01:30 set at 22:00 is
// after midnight and a DST change on the way moves nothing.

// LastCallWindow is how long before closing the guests' pages and the TV
// say "Last call".
const LastCallWindow = 30 * time.Minute

// MaxClosingExtension bounds one press of the host's "+ min" buttons.
const MaxClosingExtension = 3 * time.Hour

// closingLayout is how a closing time is typed and shown: 24-hour HH:MM,
// what an <input type="time"> sends.
const closingLayout = "15:04"

// maxZoneName bounds a time zone's name; the longest IANA name is 32 bytes.
const maxZoneName = 64

// ClosingRule is the closing time as the host's settings form sends it.
type ClosingRule struct {
	Zone string // an IANA time zone name; "" for the server's zone
	Time string // "HH:MM" in Zone; "" for no closing time
	// Shown is the Time the form showed when it was loaded. A form sent
	// back with the time and the zone unchanged keeps the stored moment,
	// though its time of day would now mean tomorrow (loaded before the
	// closing passed) or another host device has extended it since.
	Shown string
}

// zones caches loaded time zones by name: LoadLocation reads and parses
// the zone's file on every call.
var zones sync.Map

// LoadZone returns the time zone with an IANA name, or the server's (Go's
// time.Local: TZ, else the system's) for "".
// Errors: EINVALID, on the time_zone field, for a name that is not one.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	// "Local" would be the server's zone under a name that reads as a place.
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" || len(name) > maxZoneName {
		return nil, FieldErrorf(EINVALID, "time_zone", "Choose a time zone from the list.")
	}
	zones.Store(name, loc)
	return loc, nil
}

// Zone is the session's time zone: its own, else the server's. A name the
// system no longer knows falls back to the server's zone.
func (s Session) Zone() *time.Location {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		return time.Local
	}
	return loc
}

// ClosingClock is the closing time as the venue's clock shows it ("01:30"),
// "" for none.
func (s Session) ClosingClock() string {
	if s.ClosingAt.IsZero() {
		return ""
	}
	return s.ClosingAt.In(s.Zone()).Format(closingLayout)
}

// NextClosing returns the first moment after now at which the clock in loc
// shows the time of day clock ("01:30"): today's if it is still to come,
// else tomorrow's. A time the clocks skip (02:30 on a spring DST day in
// Berlin) is taken as if they had not: 03:30 on the new clock. A time the
// clocks show twice (01:30 on an autumn DST day in New York) is the first.
// Errors: EINVALID, on the closing field, for a clock that is not HH:MM.
func NextClosing(clock string, loc *time.Location, now time.Time) (time.Time, error) {
	t, err := time.Parse(closingLayout, clock)
	if err != nil {
		return time.Time{}, FieldErrorf(EINVALID, "closing", "Give the closing time as hours and minutes, like 01:30.")
	}
	local := now.In(loc)
	for day := 0; day < 2; day++ {
		at := time.Date(local.Year(), local.Month(), local.Day()+day, t.Hour(), t.Minute(), 0, 0, loc)
		if at.After(now) {
			return at, nil
		}
	}
	// Only a day whose clocks jump past the time twice gets here.
	return time.Date(local.Year(), local.Month(), local.Day()+2, t.Hour(), t.Minute(), 0, 0, loc), nil
}

// closingColumns returns the time_zone and closing_at a rule sets, given
// the session as it stands: the stored moment when the form left the rule
// as it showed it. The rule's fields have been checked by checkClosingRule.
func closingColumns(rule ClosingRule, sess Session, now time.Time) (string, sql.NullInt64) {
	if rule.Time == "" {
		return rule.Zone, sql.NullInt64{}
	}
	if rule.Time == rule.Shown && rule.Zone == sess.TimeZone && !sess.ClosingAt.IsZero() {
		return rule.Zone, sql.NullInt64{Int64: sess.ClosingAt.UnixMilli(), Valid: true}
	}
	loc, _ := LoadZone(rule.Zone)
	at, _ := NextClosing(rule.Time, loc, now)
	return rule.Zone, sql.NullInt64{Int64: at.UnixMilli(), Valid: true}
}

// checkClosingRule returns an EINVALID error for the first field of the
// rule that does not fit.
func checkClosingRule(rule ClosingRule) error {
	loc, err := LoadZone(rule.Zone)
	if err != nil {
		return err
	}
	if rule.Time == "" {
		return nil
	}
	_, err = NextClosing(rule.Time, loc, time.Now())
	return err
}

// ExtendClosing moves the closing time later by the given time: the host's
// "+15 min". It moves the closing time as stored, passed or not.
// Errors: ENOTFOUND; ECONFLICT when the session has ended or has no closing
// time; EINVALID for a time outside 1 min..MaxClosingExtension.
func (s *Store) ExtendClosing(ctx context.Context, sessionID int64, by time.Duration) error {
	if by < time.Minute || by > MaxClosingExtension {
		return FieldErrorf(EINVALID, "closing", "Closing can move later by 1 to %d minutes at a time.", int(MaxClosingExtension.Minutes()))
	}
	return s.inHostAction(ctx, sessionID, ActionSettings, func(tx *sql.Tx, a *hostAction) error {
		sess, err := openSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if sess.ClosingAt.IsZero() {
			return Errorf(ECONFLICT, "There is no closing time to extend: set one under Rules.")
		}
		next := sess
		next.ClosingAt = sess.ClosingAt.Add(by)
		a.aboutRules(sess, next)
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET closing_at = ? WHERE id = ?`, sess.ClosingAt.Add(by).UnixMilli(), sessionID)
		return err
	})
}

// checkClosing refuses a new request by the guest placed at position whose
// estimated start, as the guest would be shown it (Night.PlaceOf: songs
// Start next passes over are not counted), falls after the session's
// closing time. Requests already waiting are not touched: the host decides.
func checkClosing(ctx context.Context, tx *sql.Tx, sess Session, guestID int64, position float64, now time.Time) error {
	if sess.ClosingAt.IsZero() {
		return nil
	}
	n := Night{Session: sess}
	if err := measureTurns(ctx, tx, &n); err != nil {
		return err
	}
	var ahead int
	err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM requests r JOIN guests g ON g.id = r.guest_id
			 WHERE r.session_id = ? AND r.status = 'waiting' AND r.position < ? AND (g.hold_since IS NULL OR r.guest_id = ?)) +
			(SELECT COUNT(*) FROM requests WHERE session_id = ? AND status = 'singing' AND ended_at IS NULL)`,
		sess.ID, position, guestID, sess.ID).Scan(&ahead)
	if err != nil {
		return fmt.Errorf("songs ahead: %w", err)
	}
	if n.StartsAfterClosing(Place{Ahead: ahead, Wait: n.Estimate(ahead)}, now) {
		return Errorf(ECONFLICT, "No more songs fit before closing at %s.", sess.ClosingClock())
	}
	return nil
}
