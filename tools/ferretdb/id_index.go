package main

// FerretDB 1.24's SQLite backend finds, updates and deletes a document by its `_id` with
// `WHERE _ferretdb_sjson->'$._id' = ?`, but the unique index it creates for `_id` is on the
// expression `_ferretdb_sjson->"_id"`. SQLite uses an index only for the expression as written, so
// every lookup by `_id` read the whole table: about a second at 300,000 documents, and the cost of
// every write grew with the collection. The indexer adds, to every collection's table, an index on
// the expression FerretDB queries by; lookups, updates and deletes by `_id` then take a
// millisecond at any size. FerretDB neither knows nor minds: dropping a collection drops its table
// and the index with it.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses, so both share one SQLite library
)

type idIndexer struct {
	dir    string
	logger *slog.Logger
	// tables already indexed, by database file and table name
	done map[string]bool
}

func newIDIndexer(sqliteURL string, logger *slog.Logger) *idIndexer {
	dir := strings.TrimPrefix(sqliteURL, "file:")
	if i := strings.IndexByte(dir, '?'); i >= 0 {
		dir = dir[:i]
	}
	return &idIndexer{dir: dir, logger: logger, done: map[string]bool{}}
}

// run indexes new tables now and then, until ctx ends; kick asks for a pass at once (after a write
// that may have created a collection).
func (x *idIndexer) run(ctx context.Context, kick <-chan struct{}) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		x.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-kick:
			// Let the write that created the table finish first.
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (x *idIndexer) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, f := range files {
		if err := x.indexFile(ctx, f, seen); err != nil {
			x.logger.Debug("id indexer", "file", f, "error", err)
		}
	}
	// Forget databases that were dropped, so that one created again under the same name is indexed.
	for k := range x.done {
		if !seen[k] {
			delete(x.done, k)
		}
	}
}

func (x *idIndexer) indexFile(ctx context.Context, file string, seen map[string]bool) error {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	// The file's identity is part of the key: a database dropped and made again is a new file.
	var ino uint64
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	id := fmt.Sprintf("%s|%d", file, ino)
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return err // a database without collections yet
	}
	var tables []string
	for rows.Next() {
		var t string
		if rows.Scan(&t) == nil {
			tables = append(tables, t)
		}
	}
	rows.Close()
	for _, t := range tables {
		key := id + "|" + t
		seen[key] = true
		if x.done[key] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"__id_lookup", t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			x.logger.Debug("id indexer: create index", "table", t, "error", err)
			continue
		}
		x.done[key] = true
	}
	return nil
}
