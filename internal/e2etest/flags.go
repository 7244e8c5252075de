package e2etest

import "flag"

// The suites' flags are defined here, in the package every suite imports,
// so that `go test ./e2e/... -screenshots` reaches the test that reads one
// and no suite's binary refuses a flag it does not know.
var (
	// Screenshots turns TestScreenshots on, and the pictures other tests
	// save along the way: they check nothing the tests do not, and start
	// Chromium for a minute, so plain `go test ./...` leaves them out.
	Screenshots = flag.Bool("screenshots", false, "save every page at phone, laptop and TV sizes in test-artifacts/ (the README's pictures)")
	// RestartsN is how many times TestEveryPageFollowsAfterRestarts
	// restarts the server.
	RestartsN = flag.Int("restarts.n", 22, "how many times TestEveryPageFollowsAfterRestarts restarts the server")
)
