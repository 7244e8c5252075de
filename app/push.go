package app

import (
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/nudge"
	"github.com/karaoke-night/karaoke/push"
)

// pushSubscriber is the VAPID "sub" when PUBLIC_URL is not an https://
// URL (a server on a laptop): push services want an https: or mailto:
// contact, and webpush-go v1.4.0 mangles mailto:.
const pushSubscriber = "https://localhost"

// openPush starts the Web Push sender with the VAPID keys given or kept in
// DATA_DIR. Keys that cannot be made (a full disk) cost only the pushes:
// the server starts without them, and takes no subscription.
func (s *Server) openPush(cfg Config) *push.Sender {
	keys := cfg.VAPID
	if keys == nil && cfg.RemoteURL != "" {
		// Keys made in each machine's DATA_DIR would differ, and a phone
		// subscribed through one machine could not be sent to by another.
		s.log.Warn("starting without Web Push: in remote mode every machine needs the same VAPID keys; " +
			"set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (fly secrets set) to send pushes")
		return nil
	}
	if keys == nil {
		k, err := push.LoadOrCreateKeys(cfg.DataDir)
		if err != nil {
			s.log.Warn("starting without Web Push: no VAPID keys", "err", err)
			return nil
		}
		keys = &k
	}
	subscriber := pushSubscriber
	if cfg.PublicURL != nil && cfg.PublicURL.Scheme == "https" {
		subscriber = cfg.PublicURL.String()
	}
	sender := push.NewSender(push.Config{Keys: *keys, Allow: cfg.PushAllow, Subscriber: subscriber,
		Gone: s.store.DeletePushSubscription, Log: s.log})
	s.opened("push sender", sender.Close)
	return sender
}

// changeListeners is what the store tells of each committed change to a
// session: the live streams, and when pushes are on the nudger, which
// sends "You're up next" from a goroutine of its own.
func (s *Server) changeListeners(notify func(sessionID, version int64), sender *push.Sender) func(sessionID, version int64) {
	if sender == nil {
		return notify
	}
	n := nudge.New(s.store, sender, handlers.GuestPath, s.log)
	s.opened("push nudges", n.Close)
	return func(sessionID, version int64) {
		notify(sessionID, version)
		n.Changed(sessionID, version)
	}
}
