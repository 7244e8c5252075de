package replica

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/karaoke-night/karaoke/db"
)

// The outbox's rows, read back: an entry's Row is what the local triggers
// captured (see db.OutboxEntry), values written as SQLite's quote() writes
// them so that each keeps its exact type on the way to the remote.

// entryValues returns an upsert's columns and values (a delete's key column
// and value), columns sorted by name.
func entryValues(e db.OutboxEntry) ([]string, []any, error) {
	var literals map[string]string
	if err := json.Unmarshal([]byte(e.Row), &literals); err != nil {
		return nil, nil, fmt.Errorf("outbox entry %d: %w", e.Seq, err)
	}
	cols := slices.Sorted(maps.Keys(literals))
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, err := parseLiteral(literals[c])
		if err != nil {
			return nil, nil, fmt.Errorf("outbox entry %d, column %s: %w", e.Seq, c, err)
		}
		vals[i] = v
	}
	return cols, vals, nil
}

// resetTables returns the tables a reset empties, children first.
func resetTables(e db.OutboxEntry) ([]string, error) {
	var names []string
	if err := json.Unmarshal([]byte(e.Row), &names); err != nil {
		return nil, fmt.Errorf("outbox entry %d: %w", e.Seq, err)
	}
	return names, nil
}

// parseLiteral reads a value as SQLite's quote() writes it: NULL, an
// integer, a real, 'text' or X'blob'.
func parseLiteral(lit string) (any, error) {
	switch {
	case lit == "NULL":
		return nil, nil
	case strings.HasPrefix(lit, "X'") && strings.HasSuffix(lit, "'"):
		return hex.DecodeString(lit[2 : len(lit)-1])
	case strings.HasPrefix(lit, "'") && strings.HasSuffix(lit, "'") && len(lit) >= 2:
		return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'"), nil
	}
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !math.IsInf(f, 0) {
		return nil, fmt.Errorf("not an SQL literal: %q", lit)
	}
	return f, nil
}
