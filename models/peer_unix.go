//go:build unix

package models

import (
	"errors"
	"net"
	"syscall"
)

// peerSpoke peeks, without waiting, at what nc has received: anything, or
// the end of the stream. Where it cannot tell, it says yes (a ping).
func peerSpoke(nc net.Conn) bool {
	if t, ok := nc.(interface{ NetConn() net.Conn }); ok { // TLS
		nc = t.NetConn()
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var n int
	var rerr error
	var buf [1]byte
	// Control, not Read: Read would wait for the socket's read lock, which
	// pgx's background reader may hold, blocked on this idle connection
	// until the server speaks. A peek consumes nothing, and DONTWAIT never
	// blocks: a quiet connection answers EAGAIN.
	if err := rc.Control(func(fd uintptr) {
		n, _, rerr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	}); err != nil {
		return true
	}
	return n > 0 || !errors.Is(rerr, syscall.EAGAIN)
}
