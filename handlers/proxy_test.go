package handlers_test

import (
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
)

// trustProxy is the TRUST_PROXY setting s, parsed as app.FromEnv parses it.
func trustProxy(t *testing.T, s string) handlers.TrustProxy {
	t.Helper()
	p, err := handlers.ParseTrustProxy(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
