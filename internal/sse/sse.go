// Package sse reads a server-sent event stream, as a browser's EventSource
// would, for the tests and the load test.
package sse

import (
	"bufio"
	"io"
	"strings"
)

// Event is one event of a stream.
type Event struct {
	ID   string
	Name string
	Data string
}

// Reader reads events from a stream.
type Reader struct {
	r *bufio.Reader
	// Comments counts the comment lines (heartbeats) read so far.
	Comments int
}

// NewReader reads events from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 64<<10)} }

// Next returns the next event, skipping comments and retry fields.
func (r *Reader) Next() (Event, error) {
	var (
		ev   Event
		data []string
		any  bool
	)
	for {
		line, err := r.r.ReadString('\n')
		if err != nil {
			return Event{}, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if any {
				ev.Data = strings.Join(data, "\n")
				return ev, nil
			}
			continue
		}
		if strings.HasPrefix(line, ":") {
			r.Comments++
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.ID, any = value, true
		case "event":
			ev.Name, any = value, true
		case "data":
			data, any = append(data, value), true
		}
	}
}
