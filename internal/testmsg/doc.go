// Package testmsg holds what the SDK's own tests share about messages: the
// test personal numbers they send to, and the plain class-3 message most
// of them send. The numbers are test numbers, no real people's.
package testmsg
