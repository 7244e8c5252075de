package views

// ReplicationLine tells the host how the copy of the nights in Turso is
// doing: up to date, catching up, or behind because Turso cannot be reached.
type ReplicationLine struct {
	Behind bool // the last attempt failed: the copy is falling behind
	Text   string
}
