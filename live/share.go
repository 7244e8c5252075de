package live

import "errors"

// ErrShare is the refusal of a stream past a fair share: its client, its
// session or its page already holds as many as one may. Serve answers 429.
var ErrShare = errors.New("live: this client or session holds its share of the streams")

// shares counts the open streams by who holds them, so that a client past
// its fair share is refused before it can fill MaxStreams for everyone.
// Its maps are guarded by the Broker's mu; a key whose count falls to zero
// is deleted, so they hold only what is open.
type shares struct {
	clients map[string]int
	pages   map[pageKey]int
}

// pageKey is one client on one page of one session: the TV page, the host
// page, or one guest's page (GuestID is zero on the other two).
type pageKey struct {
	client  string
	session int64
	page    string
	guest   int64
}

func keyOf(l Listener) pageKey { return pageKey{l.Client, l.SessionID, l.Page, l.GuestID} }

// fits reports whether a new stream for l stays within every fair share.
// Call with mu held.
func (b *Broker) fits(l Listener) bool {
	page := b.cfg.ScreenShare
	switch l.Page {
	case PageGuest:
		page = b.cfg.TabShare
	case PageJoin:
		// A bar's phones wait on the join page together, behind one NAT
		// address and with no device to tell them apart: only the
		// client's share bounds them.
		page = b.cfg.ClientShare
	}
	session := 0
	if h := b.hubs[l.SessionID]; h != nil && l.Page != PageHost {
		// Only the host may open the host page: strangers filling their
		// session's share must not cut the host off from their own night.
		session = len(h.streams)
	}
	return b.shares.clients[l.Client] < b.cfg.ClientShare &&
		session < b.cfg.SessionShare &&
		b.shares.pages[keyOf(l)] < page
}

// count adds n (1 or -1) to the streams l's client holds. Call with mu held.
func (s *shares) count(l Listener, n int) {
	if s.clients == nil {
		s.clients, s.pages = map[string]int{}, map[pageKey]int{}
	}
	if s.clients[l.Client] += n; s.clients[l.Client] <= 0 {
		delete(s.clients, l.Client)
	}
	k := keyOf(l)
	if s.pages[k] += n; s.pages[k] <= 0 {
		delete(s.pages, k)
	}
}
