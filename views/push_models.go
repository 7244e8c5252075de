package views

// PushOptIn is the guest page's offer to tell the guest by a notification
// when their turn comes; nil where the server sends no pushes, the night has
// ended or the host removed the guest.
type PushOptIn struct {
	// VAPIDKey is the server's VAPID public key (base64url), which the
	// browser subscribes with.
	VAPIDKey string
	// SubscribeURL takes the browser's PushSubscription as JSON;
	// UnsubscribeURL forgets it when the guest turns notifications off.
	SubscribeURL, UnsubscribeURL string
	// HandoffURL gives the guest's handoff, which the Home Screen hint puts
	// into the page's address so the web app added from it starts as this
	// guest (see handlers/handoff.go).
	HandoffURL string
}
