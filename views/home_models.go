package views

// The home page's models.

// HomePage is the front page: create a session, or join one by its code.
type HomePage struct {
	Create CreateSessionForm
	Join   JoinCodeForm
	// Hosting is the nights this browser hosts, newest first.
	Hosting []HostedNight
}

// HostedNight is a night this browser hosts, as the home page lists it.
type HostedNight struct {
	Name         string
	Open         bool // false once the night has ended
	DashboardURL string
}

// JoinCodeForm is the form a guest types a session's code into.
type JoinCodeForm struct {
	Code   string
	Errors FieldErrors
}

// CreateSessionForm is the form that starts a session.
type CreateSessionForm struct {
	Name   string
	Errors FieldErrors
}
