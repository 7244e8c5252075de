package db

import (
	"context"
	"path/filepath"
	"testing"
)

// TestJoinTokens: a new session has a join token of its own, which finds it
// open or ended; a wrong or malformed token finds nothing.
func TestJoinTokens(t *testing.T) {
	ctx := context.Background()
	s := OpenForTest(t, "file:"+filepath.Join(t.TempDir(), "k.db"))
	seen := map[string]bool{}
	for range 50 {
		sess, _, err := s.CreateSession(ctx, "night")
		if err != nil {
			t.Fatal(err)
		}
		if !IsJoinToken(sess.JoinToken) || seen[sess.JoinToken] {
			t.Fatalf("join token %q: not a token, or given twice", sess.JoinToken)
		}
		seen[sess.JoinToken] = true
		if _, ok := ParseJoinCode(sess.JoinToken); ok {
			t.Errorf("token %q reads as a join code", sess.JoinToken)
		}
	}
	sess, _, _ := s.CreateSession(ctx, "ends")
	if err := s.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionByToken(ctx, sess.JoinToken); err != nil || got.ID != sess.ID || got.Open() {
		t.Errorf("SessionByToken(ended) = %+v, %v", got, err)
	}
	for _, wrong := range []string{newJoinToken(), sess.Code, "", "../../etc/passwd", sess.JoinToken[:25] + "A"} {
		if _, err := s.SessionByToken(ctx, wrong); ErrorCode(err) != ENOTFOUND {
			t.Errorf("SessionByToken(%q) = %v, want ENOTFOUND", wrong, err)
		}
	}
}

// TestSessionsFromBeforeTokensGetOne: sessions made before migration 0004
// have a token once the database is opened by this program, and keep it.
func TestSessionsFromBeforeTokensGetOne(t *testing.T) {
	LocalOnly(t, "an old file migrated")
	ctx := context.Background()
	url := "file:" + filepath.Join(t.TempDir(), "k.db")
	old, err := Open(ctx, url, OnlyMigrations([]int{1, 2, 3}))
	if err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"ABCD", "EFGH"} {
		if _, err := old.writer.DB().ExecContext(ctx, `INSERT INTO sessions (id, name, code, host_secret_hash, created_at)
			VALUES (?, 'old night', ?, x'00', 1)`, 1000+i, code); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	s := OpenForTest(t, url)
	tokens := map[string]bool{}
	for _, code := range []string{"ABCD", "EFGH"} {
		sess, err := s.SessionByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if !IsJoinToken(sess.JoinToken) || tokens[sess.JoinToken] {
			t.Fatalf("session %s from before tokens has token %q", code, sess.JoinToken)
		}
		tokens[sess.JoinToken] = true
		if got, err := s.SessionByToken(ctx, sess.JoinToken); err != nil || got.Code != code {
			t.Errorf("its token finds %+v, %v", got, err)
		}
	}
	s.Close()
	again := OpenForTest(t, url)
	if sess, _ := again.SessionByCode(ctx, "ABCD"); !tokens[sess.JoinToken] {
		t.Errorf("a second open changed the token to %q", sess.JoinToken)
	}
}
