package live

import (
	"bytes"
	"hash/maphash"
	"strconv"
)

// EndedEvent is the name of the last event a stream sends, once its session
// has ended; the page closes its stream on it (sse-close).
const EndedEvent = "ended"

// Event is one named fragment of HTML; a page swaps it into the element
// whose sse-swap names it. Make one with NewEvent or NewKeyedEvent.
type Event struct {
	Name string // what a stream compares it by: its event name, or its key
	HTML []byte
	wire []byte
	// sum is HTML's hash: a stream keeps the sum of what it last sent
	// under each name, not the bytes, so that it pins no old fragment and
	// a thousand streams hold a few words each.
	sum uint64
}

// sumSeed seeds the fragments' hashes; two fragments with different bytes
// have the same sum one time in 2^64.
var sumSeed = maphash.MakeSeed()

// NewEvent encodes a fragment once, as the server-sent event a stream
// writes, with the session's version as its id. A Frame makes each shared
// event once and hands the same Event to every listener.
func NewEvent(version int64, name string, html []byte) Event {
	var b bytes.Buffer
	b.Grow(len(html) + len(name) + 64)
	b.WriteString("id: ")
	b.WriteString(strconv.FormatInt(version, 10))
	b.WriteString("\nevent: ")
	b.WriteString(name)
	b.WriteByte('\n')
	for line := range bytes.Lines(html) {
		b.WriteString("data: ")
		b.Write(bytes.TrimRight(line, "\r\n"))
		b.WriteByte('\n')
	}
	if len(html) == 0 {
		b.WriteString("data: \n")
	}
	b.WriteByte('\n')
	return Event{Name: name, HTML: html, wire: b.Bytes(), sum: maphash.Bytes(sumSeed, html)}
}

// NewKeyedEvent is NewEvent for one of many fragments a page takes under
// the same event name, such as the rows of a list: the stream compares it
// with what it last sent under key, so a row is sent again only when its
// own bytes change.
func NewKeyedEvent(version int64, key, name string, html []byte) Event {
	e := NewEvent(version, name, html)
	e.Name = key
	return e
}

var endedWire = []byte("event: " + EndedEvent + "\ndata: ended\n\n")

// forgetGone forgets what was last sent under a key the frame no longer
// has (a row that left the list, which the page drops), so that the row is
// sent again if it comes back unchanged (a song an undo put back).
func forgetGone(last map[string]uint64, events []Event) {
	if len(last) <= len(events) {
		return // every key is among the events: nothing is gone
	}
	now := make(map[string]bool, len(events))
	for _, e := range events {
		now[e.Name] = true
	}
	for name := range last {
		if !now[name] {
			delete(last, name)
		}
	}
}
