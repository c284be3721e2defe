package emulator

import "syscall"

// sysProcAttr puts an emulator in its own process group (stopped as a whole,
// untouched by the terminal's Ctrl-C) and has the kernel kill it when the
// test process dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
