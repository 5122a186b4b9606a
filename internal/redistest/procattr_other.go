//go:build !linux

package redistest

import "os/exec"

// dieWithParent does nothing where the kernel offers no parent-death signal:
// a test killed without its cleanup may leave redis-server running.
func dieWithParent(*exec.Cmd) {}
