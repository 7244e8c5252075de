package handlers

import (
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// A guest's view of the queue is personal: on a night of 60 songs a list of
// the first 20 told a guest at #39 nothing about their turn. So each guest
// sees the top of the queue (who sings soon), a few songs either side of
// each of their own (where they are), and the runs between collapsed into
// a count, which keeps the list short on a phone whatever the queue's length.
const (
	// guestQueueHead is how many songs at the top every guest sees.
	guestQueueHead = 3
	// guestQueueAround is how many songs either side of a guest's own are shown.
	guestQueueAround = 2
	// guestQueueMinGap is the shortest run collapsed: a shorter one takes
	// hardly more room shown than as a "… 2 more songs …" line.
	guestQueueMinGap = 3
)

// queueWindow says which of a queue of n songs a guest sees, given the
// indexes of their own songs: the head, a neighbourhood round each of
// theirs, and any run too short to be worth collapsing.
func queueWindow(n int, mine []int) []bool {
	shown := make([]bool, n)
	for i := range min(n, guestQueueHead) {
		shown[i] = true
	}
	for _, m := range mine {
		for i := max(0, m-guestQueueAround); i <= min(n-1, m+guestQueueAround); i++ {
			shown[i] = true
		}
	}
	for i := 0; i < n; {
		if shown[i] {
			i++
			continue
		}
		end := i
		for end < n && !shown[end] {
			end++
		}
		if end-i < guestQueueMinGap {
			for j := i; j < end; j++ {
				shown[j] = true
			}
		}
		i = end
	}
	return shown
}

// guestQueue is the queue as the guest guestID sees it; once the night has
// ended it is empty, as there is nothing left to wait for.
func guestQueue(lg lang.Lang, n db.Night, guestID int64) views.GuestQueue {
	q := views.GuestQueue{Summary: queueSummary(lg, n), Ended: !n.Session.Open()}
	if q.Ended {
		return q
	}
	var mine []int
	for i, r := range n.Queue {
		if r.GuestID == guestID {
			mine = append(mine, i)
		}
	}
	shown := queueWindow(len(n.Queue), mine)
	for i, r := range n.Queue {
		switch {
		case shown[i]:
			q.Rows = append(q.Rows, views.GuestQueueRow{QueueItem: queueItem(lg, n, i), Mine: r.GuestID == guestID})
		case i > 0 && !shown[i-1]:
			q.Rows[len(q.Rows)-1].Gap++
		default:
			q.Rows = append(q.Rows, views.GuestQueueRow{Gap: 1})
		}
	}
	return q
}
