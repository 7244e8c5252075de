package views

// UndoField is the Undo form's hidden field: the action it undoes, so a
// second tap finds it already undone instead of undoing the one before.
const UndoField = "action"

// UndoControl is the dashboard's one Undo, for the host's latest action not
// undone yet.
type UndoControl struct {
	URL      string // "" when there is nothing to undo
	ActionID string
	// Key is the form's one-time key (see StateKey).
	Key string
	// What names what the button undoes: "Skipped Ann's “Jolene”: 2nd in
	// line → skipped"; the button's accessible name is "Undo: " and it.
	What string
	// Cannot says why the latest action cannot be undone ("Can't undo:
	// Ann's song has started since."); the button is then not shown.
	Cannot string
}

// AuditLog is the host's latest actions, newest first, as every host
// device sees them.
type AuditLog struct {
	Items []AuditItem
}

// AuditItem is one host action in the log.
type AuditItem struct {
	Time   string // "21:04"
	Device string // the host device that acted: "iPhone · K7QF"
	Text   string // what it did, before → after
}
