//go:build race

package sign

// raceEnabled: the race detector slows everything several times over.
const raceEnabled = true
