package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv names the variable that gives tests a PostgreSQL server:
// a DSN whose user may create schemas. ".ci/postgres run CMD" starts a
// throwaway server and sets it for CMD.
const PostgresEnv = "MM_TEST_POSTGRES"

// Postgres returns a DSN on the test server whose search_path is a new,
// empty schema of the test's own, dropped with everything in it when t
// ends: tests running side by side never see each other's tables. Without
// the server the test is skipped, or fails under MM_CONFORMANCE=require.
func Postgres(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		unavailable(t, "a PostgreSQL server ("+PostgresEnv+"; .ci/postgres run CMD starts one)")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "mm_test_" + hex.EncodeToString(b)
	exec := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	// The DSN may hold a password: errors name the variable, not it.
	if err := exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create a schema on the server %s names: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		if err := exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	return WithParam(t, server, "search_path", schema)
}

// WithParam returns dsn — a URL or key=value settings — with the setting
// key set to value (which must need no quoting).
func WithParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if !strings.Contains(dsn, "://") {
		return dsn + " " + key + "=" + value
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s is not a URL", PostgresEnv)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
