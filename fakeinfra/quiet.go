package fakeinfra

import (
	"io"
	"log"
)

// quietLog swallows net/http's server log: handshakes refused on purpose
// would otherwise clutter test output.
var quietLog = log.New(io.Discard, "", 0)
