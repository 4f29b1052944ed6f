package message

import "unsafe"

// stringBytes views s as bytes without copying; the result must not be
// modified. It spares copying a large body before base64 encoding it.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
