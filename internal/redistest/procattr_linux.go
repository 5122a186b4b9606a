package redistest

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill redis-server when the test process
// dies, even by a signal that runs no cleanup (a timeout, SIGTERM, SIGKILL).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
