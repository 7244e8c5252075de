// Package replica keeps a copy of the karaoke database in Turso and brings
// it back: a shipper sends the local outbox (db.Outbox) to the remote in
// ordered, atomic batches (ship.go), and a restore fills a new local
// database from the remote. The local file stays the database the app reads and writes;
// Turso being slow or away never holds up a guest.
package replica

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"
	"github.com/tursodatabase/libsql-client-go/sqliteparserutils"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// requestTimeout bounds one request to Turso, so a server that stops
// answering mid-request is retried instead of waited on.
const requestTimeout = 30 * time.Second

// On the remote, beside the app's tables and schema_migrations, one row says
// which database writes there and the last outbox entry it applied.
const createRemoteMachinery = `BEGIN;
CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS replication_source (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	writer     TEXT    NOT NULL,
	last_seq   INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
INSERT INTO replication_source (id, writer, last_seq, updated_at) VALUES (1, '', 0, 0) ON CONFLICT (id) DO NOTHING;
COMMIT`

// Remote is the Turso database the copy lives in.
type Remote struct {
	db   *sql.DB
	name string // the URL without credentials, for messages
}

// Open returns the Turso database at databaseURL (libsql://…, https://…, or
// http://host:port for a local server). authToken may be empty for a local
// server. Nothing is sent until the first call.
func Open(databaseURL, authToken string) (*Remote, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("TURSO_DATABASE_URL must look like libsql://NAME-ORG.turso.io, not %q", databaseURL)
	}
	var opts []libsql.Option
	if authToken != "" {
		opts = append(opts, libsql.WithAuthToken(authToken))
	}
	connector, err := libsql.NewConnector(databaseURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("TURSO_DATABASE_URL: %w", err)
	}
	u.User, u.RawQuery = nil, ""
	return &Remote{db: sql.OpenDB(connector), name: u.String()}, nil
}

// Close lets go of the remote's connections.
func (r *Remote) Close() error { return r.db.Close() }

// String names the remote, without credentials.
func (r *Remote) String() string { return r.name }

// remoteState is what the remote says about itself.
type remoteState struct {
	Applied     map[int]bool // the migrations applied there
	Initialized bool         // replication_source exists
	Pos         db.ReplicaPosition
}

func (r *Remote) state(ctx context.Context) (remoteState, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	st := remoteState{Applied: map[int]bool{}}
	have, err := sqlitedb.Column[string](ctx, r.db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('schema_migrations', 'replication_source')`)
	if err != nil {
		return st, fmt.Errorf("read Turso's schema: %w", err)
	}
	if slices.Contains(have, "schema_migrations") {
		versions, err := sqlitedb.Column[int](ctx, r.db, `SELECT version FROM schema_migrations`)
		if err != nil {
			return st, fmt.Errorf("read Turso's migrations: %w", err)
		}
		for _, v := range versions {
			st.Applied[v] = true
		}
	}
	if slices.Contains(have, "replication_source") {
		err := r.db.QueryRowContext(ctx, `SELECT writer, last_seq FROM replication_source WHERE id = 1`).Scan(&st.Pos.Writer, &st.Pos.Seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return st, fmt.Errorf("read Turso's replication position: %w", err)
		}
		st.Initialized = err == nil
	}
	return st, nil
}

// Position returns how far the remote copy has got.
func (r *Remote) Position(ctx context.Context) (db.ReplicaPosition, error) {
	st, err := r.state(ctx)
	return st.Pos, err
}

// exec sends statements as one Hrana batch in one HTTP request. With
// several statements, libsql-client-go makes each step run only if the one
// before it succeeded and adds a ROLLBACK that runs when the last did not,
// and it returns the first step's error; so BEGIN; …; COMMIT either commits
// every statement or none (checked against the real server in the tests).
func (r *Remote) exec(ctx context.Context, stmts []string, args []any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err := r.db.ExecContext(ctx, strings.Join(stmts, ";\n"), args...)
	return err
}

func (r *Remote) initialize(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := r.db.ExecContext(ctx, createRemoteMachinery); err != nil {
		return fmt.Errorf("set up replication in Turso: %w", err)
	}
	return nil
}

// migrate applies migrations to the remote in the order given, each in one
// batch with its record in schema_migrations (so one applied already is
// refused whole).
func (r *Remote) migrate(ctx context.Context, migrations []db.Migration) error {
	for _, m := range migrations {
		stmts := append([]string{"BEGIN"}, remoteStatements(m.SQL)...)
		stmts = append(stmts, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, "COMMIT")
		if err := r.exec(ctx, stmts, []any{m.Version, m.Name, time.Now().UnixMilli()}); err != nil {
			return fmt.Errorf("apply migration %s to Turso: %w", m.Name, err)
		}
	}
	return nil
}

// remoteStatements returns the statements of a migration that the remote
// runs: tables, indexes and data, but not triggers or views. Replicated rows
// already carry what a trigger did locally; run again remotely, it would do
// it twice.
func remoteStatements(migration string) []string {
	stmts, _ := sqliteparserutils.SplitStatement(migration)
	var out []string
	for _, stmt := range stmts {
		words := strings.Fields(strings.ToUpper(stripComments(stmt)))
		if len(words) == 0 {
			continue
		}
		if words[0] == "CREATE" || words[0] == "DROP" {
			kind := words[1:]
			if len(kind) > 0 && (kind[0] == "TEMP" || kind[0] == "TEMPORARY") {
				kind = kind[1:]
			}
			if len(kind) > 0 && (kind[0] == "TRIGGER" || kind[0] == "VIEW") {
				continue
			}
		}
		out = append(out, stmt)
	}
	return out
}

// stripComments drops the SQL comments leading a statement.
func stripComments(stmt string) string {
	for {
		stmt = strings.TrimSpace(stmt)
		switch {
		case strings.HasPrefix(stmt, "--"):
			_, rest, _ := strings.Cut(stmt, "\n")
			stmt = rest
		case strings.HasPrefix(stmt, "/*"):
			_, rest, _ := strings.Cut(stmt, "*/")
			stmt = rest
		default:
			return stmt
		}
	}
}

// unknownMigrations returns the migrations applied to the remote that this
// program does not have: the remote's schema is newer.
func unknownMigrations(applied map[int]bool, known []db.Migration) []int {
	return slices.DeleteFunc(slices.Sorted(maps.Keys(applied)), func(v int) bool {
		return slices.ContainsFunc(known, func(m db.Migration) bool { return m.Version == v })
	})
}
