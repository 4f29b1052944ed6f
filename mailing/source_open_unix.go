//go:build unix

package mailing

import "syscall"

// openNonBlocking makes opening a named pipe return at once instead of
// waiting for a writer; reads of regular files ignore it.
const openNonBlocking = syscall.O_NONBLOCK
