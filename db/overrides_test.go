package db_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestOverridesFromTheLog: the host's moves (which one each was), skips
// and removals are the Night's overrides, newest first; a Start next is
// not one, and an undone move is left out.
func TestOverridesFromTheLog(t *testing.T) {
	n := newNight(t)
	n.run("A a1", "B b1", "C c1", "D d1", "E e1", "F f1",
		"up c1", "down a1", "top e1", "back b1", "next", "skip d1", "remove f1", "up b1")
	n.undoLatest()
	titles := map[int64]string{}
	for title, id := range n.requests {
		titles[id] = title
	}
	var got []string
	for _, o := range n.state().Overrides() {
		got = append(got, strings.Join(strings.Fields(fmt.Sprintf("%s %s %s", o.Kind, o.Move, titles[o.RequestID])), " "))
	}
	want := "remove f1 | skip d1 | move back b1 | move top e1 | move down a1 | move up c1"
	if g := strings.Join(got, " | "); g != want {
		t.Errorf("overrides = %q, want %q", g, want)
	}
}
