//go:build !linux

package emulator

import "syscall"

// sysProcAttr puts an emulator in its own process group. Without Linux's
// parent-death signal, an emulator outlives a test process that is killed
// before Main stops it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
