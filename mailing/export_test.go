package mailing

// MaxSettling is maxSettling, for the test that a stalled journal holds a
// mailing back.
const MaxSettling = maxSettling
