package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/httprate"
)

// Rate is a limit of Requests in each Window. The zero Rate is no limit.
type Rate struct {
	Requests int
	Window   time.Duration
}

// ParseRate reads a rate such as "10/1m" (10 a minute) or "20/1h"; "off"
// or "0" is no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	count, window, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 {
		return Rate{}, fmt.Errorf("%q is not a rate: want a count and a duration, such as 10/1m, or off", s)
	}
	d, err := time.ParseDuration(window)
	if err != nil || d < time.Second {
		return Rate{}, fmt.Errorf("%q is not a rate: the window must be a duration of a second or more, such as 1m or 1h", s)
	}
	return Rate{Requests: n, Window: d}, nil
}

// Limits are the abuse limits, counted in memory by each server process.
type Limits struct {
	// DeviceWrites bounds the writes (joins, requests, withdrawals) of one
	// guest's device: a phone firing requests in a loop is stopped after a
	// handful, and nobody else notices.
	DeviceWrites Rate
	// AddressWrites bounds the writes from one client address, whatever the
	// device: generous, since a whole bar can share one public address.
	AddressWrites Rate
	// AddressSessions bounds the sessions started from one client address.
	AddressSessions Rate
	// CodeFailures bounds the wrong join codes from one client address:
	// Requests of them are free, one is forgiven each Window/Requests, and
	// past that the address waits, longer with each wrong code (see
	// codeGuard), before it may look up another.
	CodeFailures Rate
	// AddressJoins bounds the joins to one session from one client address:
	// enough for a bar's crowd behind one NAT address arriving together,
	// few enough that a script making up singers is stopped early.
	AddressJoins Rate
}

// limiters are the running counters of Limits.
type limiters struct {
	deviceWrites, addressWrites, addressSessions, addressJoins func(http.Handler) http.Handler
}

// What a guest is told when a limit stops them; the form stays as it was.
const (
	tooFastDevice   = "Slow down: that is a lot of requests from one phone. Wait a minute, then try again."
	tooFastAddress  = "Too many requests are coming from your network right now. Wait a minute, then try again."
	tooManySessions = "Too many sessions have been started from your network. Try again later."
	tooManyJoins    = "A lot of people on your network have just joined this night. Wait a few minutes, then try again."
)

func (h *Handler) newLimiters(l Limits) limiters {
	return limiters{
		// Only a token the server signed is a device: were any cookie one,
		// a fresh made-up cookie a request would dodge this limit.
		deviceWrites:    h.limiter(l.DeviceWrites, h.signedDevice, tooFastDevice),
		addressWrites:   h.limiter(l.AddressWrites, clientAddress, tooFastAddress),
		addressSessions: h.limiter(l.AddressSessions, clientAddress, tooManySessions),
		addressJoins:    h.limiter(l.AddressJoins, addressInSession, tooManyJoins),
	}
}

// addressInSession keys a join by the client's address and the session
// loadSession found, however the path named it (code, code typed another
// way, or join token): a crowd joining one night does not use up another
// night's share, and one night cannot be joined twice as often by naming it
// two ways.
func addressInSession(r *http.Request) string {
	sess, err := sessionOf(r)
	if err != nil {
		return "" // not behind loadSession: the handler fails it anyway
	}
	return clientAddress(r) + " " + strconv.FormatInt(sess.ID, 10)
}

// limiter returns a middleware that counts requests by key and, past the
// rate, passes them on refused with 429 and message (see refused): the
// handler re-renders its form with the message, and the Retry-After header
// httprate has set. A request without a key (a device without a signed
// cookie) is not counted here, nor one a limit before has refused.
func (h *Handler) limiter(rate Rate, key func(*http.Request) string, message string) func(http.Handler) http.Handler {
	if rate.Requests <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	rl := httprate.NewRateLimiter(rate.Requests, rate.Window,
		// The in-memory counter never fails; were one to, OnLimit reports
		// the request as over the limit.
		httprate.WithErrorHandler(func(_ http.ResponseWriter, r *http.Request, err error) {
			h.log.Error("rate limit", "path", r.URL.Path, "err", err)
		}))
	limited := &refusal{status: http.StatusTooManyRequests, message: message}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if k := key(r); k != "" && refused(r) == nil && rl.OnLimit(w, r, k) {
				r = withRefusal(r, limited)
			}
			next.ServeHTTP(w, r)
		})
	}
}
