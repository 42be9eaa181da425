//go:build !linux

package main

import "os/exec"

// dieWithParent is a no-op where the platform cannot tie a child's life to
// its parent's; serve stops the child when it stops.
func dieWithParent(*exec.Cmd) {}
