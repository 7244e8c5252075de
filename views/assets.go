package views

import "github.com/karaoke-night/karaoke/static"

// asset is the path a page names a file of static/ by: its hashed name,
// which changes with its content, so browsers keep it for a year.
func asset(name string) string { return static.Path(name) }
