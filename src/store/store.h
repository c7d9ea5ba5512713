/*
 * store: the one interface between domain code and a database.
 *
 * Domain code writes portable SQL with `?` placeholders and passes every value as a bound
 * parameter; it never pastes a value into SQL text. A backend (store_sqlite.c today,
 * PostgreSQL later) implements struct store_backend, owns its schema migrations, and
 * provides the few things SQL cannot say portably: the name search index and online backup.
 *
 * A struct store_conn belongs to one thread at a time. Result cursors are short-lived:
 * finish one before starting another query with the same SQL text on that connection.
 */
#ifndef ANJU_STORE_H
#define ANJU_STORE_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_rc {
	STORE_OK = 0,
	STORE_ROW,
	STORE_DONE,
	STORE_CONSTRAINT,	/* a UNIQUE / CHECK / foreign key constraint failed */
	STORE_BUSY,		/* the database stayed locked past the timeout */
	STORE_ERROR,
};

struct store;
struct store_conn;
struct store_rows;

/* A search index entry kind: the index maps text to (kind, id). */
enum store_doc { STORE_DOC_PERSON = 0, STORE_DOC_HOUSEHOLD = 1, STORE_DOC_ITEM = 2 };

struct store_hit {
	enum store_doc kind;
	int64_t id;
};

/* The functions a backend implements. `types` strings name each parameter:
 * 'i' int64_t, 't' const char * (NULL binds SQL NULL), 'd' double,
 * 'n' const int64_t * and 'D' const double * (NULL binds SQL NULL). */
struct store_backend {
	const char *name;
	struct store *(*open)(const char *location, char *err, size_t errlen);
	void (*close)(struct store *s);
	struct store_conn *(*connect)(struct store *s, char *err, size_t errlen);
	void (*disconnect)(struct store_conn *c);
	int (*migrate)(struct store_conn *c, int *applied);
	struct store_rows *(*query)(struct store_conn *c, const char *sql, const char *types,
				    const void *const *values);
	int (*next)(struct store_rows *r);
	int64_t (*col_int)(struct store_rows *r, int col);
	double (*col_double)(struct store_rows *r, int col);
	const char *(*col_text)(struct store_rows *r, int col);
	bool (*col_null)(struct store_rows *r, int col);
	int (*finish)(struct store_rows *r);
	int64_t (*last_id)(struct store_conn *c);
	int (*changes)(struct store_conn *c);
	int (*begin)(struct store_conn *c);
	int (*begin_read)(struct store_conn *c);
	int (*commit)(struct store_conn *c);
	int (*rollback)(struct store_conn *c);
	int (*index_put)(struct store_conn *c, enum store_doc kind, int64_t id, const char *text);
	int (*index_add)(struct store_conn *c, enum store_doc kind, int64_t id, const char *text);
	int (*index_find)(struct store_conn *c, const char *query, int limit,
			  struct store_hit *hits, int *nhits);
	int (*backup)(struct store_conn *c, const char *dest, char *err, size_t errlen);
	const char *(*errmsg)(struct store_conn *c);
	int (*bulk)(struct store_conn *c, bool on);
	int (*scratch)(struct store_conn *c, bool on);
	int (*load)(struct store_conn *c, bool on, bool rebuild);
	int64_t (*data_version)(struct store_conn *c);
};

struct store {
	const struct store_backend *backend;
	int busy_timeout_ms;	/* how long a write waits for the lock before STORE_BUSY */
	struct store_conn *batch_conn;	/* group commits' own connection (store_batch_conn) */
};

/* The wait for a busy database when no setting says otherwise. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store_conn {
	struct store *store;
	const struct store_backend *backend;
	int tx_depth;
	bool tx_read_only;	/* the outermost transaction is a read snapshot */
	unsigned failures;	/* queries that failed (not constraint violations), ever */
	unsigned failures_at_begin;
	unsigned busy;		/* of those failures, how many were a busy database */
	unsigned busy_at_begin;
	bool batch;		/* a group commit is open (store_batch_begin) */
	bool batch_op;		/* ... and an operation's savepoint inside it */
	bool batch_broken;	/* an operation could not be undone: the batch must not commit */
	char failure[160];	/* the first failure's cause since the operation began */
};

struct store_rows {
	struct store_conn *conn;
};

/* Opens a database; `location` is a file path for SQLite. */
struct store *store_open(const char *location, char *err, size_t errlen);
void store_close(struct store *s);
struct store_conn *store_connect(struct store *s, char *err, size_t errlen);
void store_disconnect(struct store_conn *c);
/* Runs the pending schema migrations; *applied says how many ran. */
int store_migrate(struct store_conn *c, int *applied);

/* Starts a query. Returns NULL only when out of memory; SQL errors show in store_finish. */
struct store_rows *store_query(struct store_conn *c, const char *sql, const char *types, ...);
struct store_rows *store_vquery(struct store_conn *c, const char *sql, const char *types,
				va_list ap);
/* The same with the values in an array, for SQL built at run time from a table of columns
 * (the ledgers): values[i] points at an int64_t ('i'), a double ('d') or is the text ('t',
 * NULL binds SQL NULL). */
struct store_rows *store_query_array(struct store_conn *c, const char *sql, const char *types,
				     const void *const *values);
/* One statement for many rows: `head` ("INSERT INTO t (a, b)") followed by VALUES and
 * nrows groups of placeholders, one a letter of `types`, then `tail` (NULL, or " RETURNING
 * id" ...); values holds nrows * strlen(types) pointers, row after row, as
 * store_query_array's. Each row count makes its own statement, prepared once per
 * connection like any other. At most 1,024 values in all. Portable SQL: the rows are bound
 * parameters. */
struct store_rows *store_query_rows(struct store_conn *c, const char *head, const char *types,
				    int nrows, const void *const *values, const char *tail);
/* Advances to the next row: true while there is one. */
bool store_next(struct store_rows *r);
int64_t store_int(struct store_rows *r, int col);
double store_double(struct store_rows *r, int col);
/* Column text, valid until the next store_next/store_finish; "" for NULL. */
const char *store_text(struct store_rows *r, int col);
bool store_null(struct store_rows *r, int col);
/* Ends the cursor; returns STORE_OK, STORE_CONSTRAINT, STORE_BUSY or STORE_ERROR. */
int store_finish(struct store_rows *r);

/* Runs a statement to completion; returns as store_finish. */
int store_exec(struct store_conn *c, const char *sql, const char *types, ...);
/* One integer from the first row and column (0 when no row); rc gets the outcome. */
int64_t store_one_int(struct store_conn *c, int *rc, const char *sql, const char *types, ...);

/* A trivial query, for health checks: STORE_OK when the database answers. */
int store_ping(struct store_conn *c);
/* How many schema migrations the database has had applied (every backend records them in
 * its schema_migrations table). Returns a store_rc. */
int store_migrations_applied(struct store_conn *c, int64_t *n);

int64_t store_last_id(struct store_conn *c);
int store_changes(struct store_conn *c);

/* Transactions nest: only the outermost begin/commit touch the database. store_begin
 * takes the write lock at once; store_begin_read opens a consistent read snapshot, inside
 * which store_begin fails (a write there is a programming error). */
int store_begin(struct store_conn *c);
int store_begin_read(struct store_conn *c);
/* True when a query failed since the outermost transaction began, even one whose caller
 * did not look: domain code checks it before committing, so no answer rests on a read
 * that silently failed. */
bool store_failed_in_tx(const struct store_conn *c);
/* True when a query or the begin itself failed because the database stayed locked past
 * the busy timeout (another writer, a backup, a sqlite3 shell), since the outermost
 * transaction began: the answer is "try again later" (503), not an internal error. */
bool store_busy_in_tx(const struct store_conn *c);
/* A new operation (a request) starts on this connection: failures and busy answers are
 * counted from here, so an earlier request's lock wait is never taken for this one's. */
void store_operation_start(struct store_conn *c);
/* The cause of the first storage failure since the operation began ("database or disk is
 * full"), or NULL when nothing failed: for the log line of a 500. */
const char *store_failure(const struct store_conn *c);
/* Ends one level; the outermost commits (and, when the commit fails, rolls back). */
int store_commit(struct store_conn *c);
/* Rolls the whole transaction back at once, at any depth, and ends every level: the
 * enclosing levels' later commits then fail with STORE_ERROR rather than commit anything.
 * Inside a group commit (below) it undoes only the operation's savepoint. */
int store_rollback(struct store_conn *c);

/* Group commit: one write transaction that several operations share, committed once.
 * Inside it, an operation's outermost store_begin opens a savepoint and its commit or
 * rollback releases or undoes only that savepoint, so one operation's failure leaves the
 * others' writes alone; store_failed_in_tx and store_busy_in_tx count from the operation's
 * begin. Nothing is durable or visible to other connections before store_batch_end
 * commits; if that fails, every operation of the batch is undone. */
int store_batch_begin(struct store_conn *c);
int store_batch_end(struct store_conn *c);
/* The connection group commits run on, opened on first use and closed with the store; NULL
 * if it cannot be opened. One connection for every batch keeps its page cache warm: a
 * connection's cache is dropped whenever another connection has written, so batches led
 * by whichever thread came first would each start by re-reading the indexes they touch.
 * Callers serialise its use (one group-commit leader at a time). */
struct store_conn *store_batch_conn(struct store *s);

/* The name search index (see store_sqlite.c for the tokenizer). */
int store_index_put(struct store_conn *c, enum store_doc kind, int64_t id, const char *text);
/* The same for a document that has never been indexed (a new record): no old entry to
 * remove, which saves the index a lookup per record in bulk loads. */
int store_index_add(struct store_conn *c, enum store_doc kind, int64_t id, const char *text);
int store_index_find(struct store_conn *c, const char *query, int limit,
		     struct store_hit *hits, int *nhits);
/* A consistent copy of the live database to `dest`, a new file (0600): one snapshot taken
 * at the start, while writers carry on; it takes about as long as it does idle. */
int store_backup(struct store_conn *c, const char *dest, char *err, size_t errlen);
const char *store_errmsg(struct store_conn *c);

/* Bulk loading (the demo generator): a much larger page cache for this connection while
 * on, so index pages stay in memory at province scale. */
int store_bulk(struct store_conn *c, bool on);

/* Scratch tables on disk: while on, this connection's temporary tables (CREATE TEMPORARY
 * TABLE) are kept in a file rather than in memory, so a scratch table of millions of keys
 * (an import's) keeps the process small; a temporary table takes no lock on the database,
 * so it may be written inside a read transaction. Turning it off drops every temporary
 * table of the connection. */
int store_scratch(struct store_conn *c, bool on);

/* A big load inside one write transaction (an import of a county's ledgers): while on, a
 * larger page cache for this connection, bounded (so memory stays flat however big the
 * load), and, with `rebuild`, the indexes that only searches and reports read are dropped
 * and built once when it is turned off: sorting once beats maintaining them row by row
 * when the load is as big as what is there. Turn it off before the commit (it rebuilds
 * then; a failure is the commit's to refuse). The drop belongs to the transaction: a
 * rollback, or a process killed halfway, leaves the indexes as they were. */
int store_load(struct store_conn *c, bool on, bool rebuild);

/* A number that changes whenever another connection commits a change to the database
 * (this connection's own commits leave it): two equal answers, each read inside a
 * transaction, mean nobody else wrote in between. -1 when it cannot be read. */
int64_t store_data_version(struct store_conn *c);

/* Fault injection for tests (after SQLite's test_malloc.c): the nth query or commit from
 * now on, on this thread, fails as if the database had; 0 turns it off. */
void store_fault_inject(int nth);
#endif
