//go:build !unix

package app

import (
	"errors"
	"fmt"
)

// diskFree has no statfs to ask here: /healthz then skips the check.
func diskFree(dir string) (uint64, error) {
	return 0, fmt.Errorf("free space of %s: %w", dir, errors.ErrUnsupported)
}
