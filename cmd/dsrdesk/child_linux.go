package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes a child process end when dsrdesk does, even when
// dsrdesk is killed without a chance to stop it.
func dieWithParent(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
