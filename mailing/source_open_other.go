//go:build !unix

package mailing

// openNonBlocking is zero where named pipes do not block an open.
const openNonBlocking = 0
