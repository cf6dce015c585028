// Command ferretdb is the embedded database of `npm start` and `npm test`: FerretDB 1.24.2
// (MongoDB wire protocol, SQLite backend) through its embeddable package, behind a small
// wire-protocol gate that makes every write command atomic.
//
// Why the gate: FerretDB 1.x with SQLite evaluates a write's filter in Go and then writes, with
// no lock in between, so two concurrent `findAndModify` calls guarded by the same filter can both
// win, and concurrent `$inc` updates get lost (measured: up to 4 winners out of 50). MongoDB does
// these atomically, and the system relies on it (claiming a task, leasing an instance). The gate
// lets reads through freely and runs write commands (insert, update, delete, findAndModify) one at
// a time, which restores single-document atomicity for every client of this server.
//
// Why the id indexer: see id_index.go.
//
// Why this module: `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` yields a binary
// that panics on its release-only version check (the module zip lacks build/version/version.txt).
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

const opMsg = 2013

var writeCommands = map[string]bool{"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true}

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27018", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/ferretdb/", "SQLite directory URI")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(os.Stderr, "bad -log-level %q: %v\n", *level, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	sockDir, err := os.MkdirTemp("", "ferretdb-gate-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(sockDir)
	sock := filepath.Join(sockDir, "ferretdb.sock")

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
		Logger:    logger,
	})
	if err != nil {
		fail(err)
	}

	front, err := net.Listen("tcp", *listen)
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	indexer := newIDIndexer(*sqliteURL, logger)
	kick := make(chan struct{}, 1)
	go indexer.run(ctx, kick)

	g := &gate{backend: sock, logger: logger, kick: kick}
	go func() {
		<-ctx.Done()
		front.Close()
	}()
	for {
		c, err := front.Accept()
		if err != nil {
			break
		}
		go g.serve(c)
	}
	<-done
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
	os.Exit(1)
}

type gate struct {
	backend string
	logger  *slog.Logger
	writes  sync.Mutex
	// kick asks the id indexer for a pass (a write may have created a collection)
	kick chan<- struct{}
}

// serve relays one client connection message by message: requests in order, each followed by
// its reply (or replies, while the server sets moreToCome).
func (g *gate) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("unix", g.backend)
	if err != nil {
		g.logger.Error("gate: backend unreachable", "error", err)
		return
	}
	defer server.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				g.logger.Debug("gate: client read", "error", err)
			}
			return
		}
		write := isWrite(req)
		if write {
			g.writes.Lock()
		}
		err = g.roundTrip(client, server, req)
		if write {
			g.writes.Unlock()
			select {
			case g.kick <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

func (g *gate) roundTrip(client, server net.Conn, req []byte) error {
	if _, err := server.Write(req); err != nil {
		return err
	}
	if moreToCome(req) {
		return nil // fire-and-forget request: no reply
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if !moreToCome(reply) {
			return nil
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if n < 16 || n > 64<<20 {
		return nil, fmt.Errorf("bad message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

func moreToCome(msg []byte) bool {
	return opCode(msg) == opMsg && len(msg) >= 20 && binary.LittleEndian.Uint32(msg[16:20])&2 != 0
}

// isWrite reads the command name: the first key of the body (kind 0) section of an OP_MSG.
func isWrite(msg []byte) bool {
	if opCode(msg) != opMsg || len(msg) < 21 {
		return false
	}
	end := len(msg)
	if binary.LittleEndian.Uint32(msg[16:20])&1 != 0 { // checksum present
		end -= 4
	}
	for pos := 20; pos < end; {
		kind := msg[pos]
		pos++
		if pos+4 > end {
			return false
		}
		size := int(int32(binary.LittleEndian.Uint32(msg[pos : pos+4])))
		if size < 5 || pos+size > end {
			return false
		}
		if kind == 0 {
			// BSON document: int32 length, then element type byte and a NUL-terminated key.
			keyStart := pos + 5
			for i := keyStart; i < pos+size; i++ {
				if msg[i] == 0 {
					return writeCommands[string(msg[keyStart:i])]
				}
			}
			return false
		}
		pos += size // kind 1: document sequence, size includes itself
	}
	return false
}
