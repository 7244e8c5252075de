package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRecoverPanicsAnswers500AndLogs: a handler's panic becomes a 500 and
// one logged error with its stack, and net/http's abort passes through.
func TestRecoverPanicsAnswers500AndLogs(t *testing.T) {
	var logged bytes.Buffer
	h := &Handler{log: slog.New(slog.NewTextHandler(&logged, nil))}
	boom := h.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	boom.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if got, want := rec.Code, http.StatusInternalServerError; got != want {
		t.Errorf("status %d, want %d", got, want)
	}
	for _, want := range []string{"level=ERROR", "panic=boom", "path=/x", "recover_internal_test.go"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log %q lacks %q", logged.String(), want)
		}
	}

	abort := h.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if got := recover(); got != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler to pass through", got)
		}
	}()
	abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/y", nil))
}
