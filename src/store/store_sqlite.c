/*
 * store_sqlite: the SQLite backend of store.h.
 *
 * One connection per thread, WAL mode, a busy timeout, and a per-connection cache of
 * prepared statements keyed by SQL text. Writers of one process queue on a mutex before
 * they ask SQLite for its write lock (see sq_begin). The search index is an FTS5 table using the
 * `anju` tokenizer (tokenizer.c) registered on every connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "store/store.h"
#include "store/tokenizer.h"

const struct store_backend store_sqlite_backend;

#include "store/store_sqlite.h"

struct sqlite_rows {
	struct store_rows base;
	sqlite3_stmt *stmt;
	struct cached_stmt *cached;	/* NULL: finalize on finish */
	int rc;				/* first error seen, as a store_rc */
	int done;
};

static int sq_rollback(struct store_conn *sc);

int sqlite_map_rc(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK: return STORE_OK;
	case SQLITE_ROW: return STORE_ROW;
	case SQLITE_DONE: return STORE_DONE;
	case SQLITE_CONSTRAINT: return STORE_CONSTRAINT;
	case SQLITE_BUSY: case SQLITE_LOCKED: return STORE_BUSY;
	default: return STORE_ERROR;
	}
}

/* ---------------------------------------------------------------- tokenizer */

struct fts_ctx {
	void *pctx;
	int (*xtoken)(void *, int, const char *, int, int, int);
};

static int fts_token(void *ctx, const char *token, size_t len, int start, int end, int colocated)
{
	struct fts_ctx *c = ctx;
	return c->xtoken(c->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, token, (int)len, start, end);
}

static int tok_create(void *pctx, const char **azarg, int narg, Fts5Tokenizer **out)
{
	(void)pctx; (void)azarg; (void)narg;
	static int dummy;
	*out = (Fts5Tokenizer *)&dummy;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t) { (void)t; }

static int tok_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text, int n,
			int (*xtoken)(void *, int, const char *, int, int, int))
{
	(void)t;
	struct fts_ctx c = {pctx, xtoken};
	return tokenize(text, (size_t)n, (flags & FTS5_TOKENIZE_QUERY) != 0, fts_token, &c);
}

static int register_tokenizer(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return SQLITE_ERROR;
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	return api->xCreateTokenizer(api, "anju", NULL, &tok, NULL);
}

/* ---------------------------------------------------------------- open / connect */

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/* Memory statistics take a global mutex on every allocation of every connection; anju
 * does not read them, so they are off before SQLite initialises. */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

static struct store *sq_open(const char *location, char *err, size_t errlen)
{
	pthread_once(&sqlite_once, sqlite_configure);
	struct sqlite_store *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(location))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.backend = &store_sqlite_backend;
	s->base.busy_timeout_ms = STORE_BUSY_TIMEOUT_MS;
	pthread_mutex_init(&s->write_lock, NULL);
	return &s->base;
}

static void sq_close(struct store *st)
{
	struct sqlite_store *s = (struct sqlite_store *)st;
	pthread_mutex_destroy(&s->write_lock);
	free(s->path);
	free(s);
}

static struct store_conn *sq_connect(struct store *st, char *err, size_t errlen)
{
	struct sqlite_store *s = (struct sqlite_store *)st;
	struct sqlite_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	int rc = sqlite3_open_v2(s->path, &c->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, c->db ? sqlite3_errmsg(c->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, st->busy_timeout_ms);
	sqlite3_extended_result_codes(c->db, 1);
	const char *pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			      "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
			      "PRAGMA cache_size = -8000;";
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    register_tokenizer(c->db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(c->db));
		goto fail;
	}
	c->base.store = st;
	c->base.backend = &store_sqlite_backend;
	return &c->base;
fail:
	sqlite3_close(c->db);
	free(c);
	return NULL;
}

static void sq_disconnect(struct store_conn *sc)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	if (c->writing)
		sq_rollback(sc);
	for (int i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		free(c->cache[i].sql);
	}
	sqlite3_close(c->db);
	free(c->deferred_index);
	for (int i = 0; i < SQLITE_LOAD_DEFERRED; i++)
		free(c->load_deferred[i]);
	free(c);
}

/* ---------------------------------------------------------------- queries */

/* The cache's hash of an SQL text, eight bytes a step (a statement's text is a few hundred
 * bytes, hashed at every query): FNV-1a's prime over 64-bit words, folded to 32 bits. The
 * texts that share a hash are told apart by strcmp. */
static uint32_t sql_hash(const char *sql)
{
	size_t n = strlen(sql);
	uint64_t h = 14695981039346656037u ^ n;
	for (; n >= 8; n -= 8, sql += 8) {
		uint64_t w;
		memcpy(&w, sql, 8);
		h = (h ^ w) * 1099511628211u;
		h ^= h >> 29;
	}
	for (; n; n--, sql++)
		h = (h ^ (unsigned char)*sql) * 1099511628211u;
	h ^= h >> 32;
	return (uint32_t)h;
}

static sqlite3_stmt *prepare(struct sqlite_conn *c, const char *sql, struct cached_stmt **cached)
{
	sqlite3_stmt *st = NULL;
	uint32_t hash = sql_hash(sql);
	unsigned at = hash & (STMT_SLOTS - 1);
	*cached = NULL;
	for (; c->slot[at]; at = (at + 1) & (STMT_SLOTS - 1)) {
		struct cached_stmt *cs = &c->cache[c->slot[at] - 1];
		if (cs->hash == hash && strcmp(cs->sql, sql) == 0) {
			if (cs->in_use)
				continue;	/* nested use of the same SQL: another copy */
			cs->in_use = 1;
			*cached = cs;
			return cs->stmt;
		}
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (c->ncache < STMT_CACHE) {
		char *copy = strdup(sql);
		if (copy) {
			c->slot[at] = (short)(c->ncache + 1);
			struct cached_stmt *cs = &c->cache[c->ncache++];
			cs->hash = hash;
			cs->sql = copy;
			cs->stmt = st;
			cs->in_use = 1;
			*cached = cs;
		}
	}
	return st;
}

static struct store_rows *sq_query(struct store_conn *sc, const char *sql, const char *types,
				   const void *const *values)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	struct sqlite_rows *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->base.conn = sc;
	r->stmt = prepare(c, sql, &r->cached);
	if (!r->stmt) {
		/* Only the SQL text is logged: it is ours, never the user's values. */
		fprintf(stderr, "store: cannot prepare: %s: %s\n", sqlite3_errmsg(c->db), sql);
		r->rc = STORE_ERROR;
		r->done = 1;
		return &r->base;
	}
	if ((int)strlen(types) != sqlite3_bind_parameter_count(r->stmt)) {
		/* A programming error: the parameter list does not fit the SQL. */
		fprintf(stderr, "store: %zu parameters given for %d in: %s\n", strlen(types),
			sqlite3_bind_parameter_count(r->stmt), sql);
		r->rc = STORE_ERROR;
		r->done = 1;
		return &r->base;
	}
	for (int i = 0; types[i]; i++) {
		int rc = SQLITE_OK;
		if (types[i] == 'i' || (types[i] == 'n' && values[i]))
			rc = sqlite3_bind_int64(r->stmt, i + 1, *(const int64_t *)values[i]);
		else if (types[i] == 'd' || (types[i] == 'D' && values[i]))
			rc = sqlite3_bind_double(r->stmt, i + 1, *(const double *)values[i]);
		else if (values[i])
			rc = sqlite3_bind_text(r->stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_null(r->stmt, i + 1);
		if (rc != SQLITE_OK) {
			r->rc = STORE_ERROR;
			r->done = 1;
		}
	}
	return &r->base;
}

static int sq_next(struct store_rows *sr)
{
	struct sqlite_rows *r = (struct sqlite_rows *)sr;
	if (r->done)
		return STORE_DONE;
	int rc = sqlite_map_rc(sqlite3_step(r->stmt));
	if (rc == STORE_ROW)
		return rc;
	r->done = 1;
	if (rc == STORE_ERROR)
		fprintf(stderr, "store: %s: %s\n", sqlite3_errmsg(sqlite3_db_handle(r->stmt)),
			sqlite3_sql(r->stmt));
	if (rc != STORE_DONE)
		r->rc = rc;
	return rc;
}

static int64_t sq_col_int(struct store_rows *sr, int col)
{
	return sqlite3_column_int64(((struct sqlite_rows *)sr)->stmt, col);
}

static double sq_col_double(struct store_rows *sr, int col)
{
	return sqlite3_column_double(((struct sqlite_rows *)sr)->stmt, col);
}

static const char *sq_col_text(struct store_rows *sr, int col)
{
	const unsigned char *t = sqlite3_column_text(((struct sqlite_rows *)sr)->stmt, col);
	return t ? (const char *)t : "";
}

static bool sq_col_null(struct store_rows *sr, int col)
{
	return sqlite3_column_type(((struct sqlite_rows *)sr)->stmt, col) == SQLITE_NULL;
}

static int sq_finish(struct store_rows *sr)
{
	struct sqlite_rows *r = (struct sqlite_rows *)sr;
	int rc = r->rc;
	if (r->stmt) {
		if (r->cached) {
			sqlite3_reset(r->stmt);
			sqlite3_clear_bindings(r->stmt);
			r->cached->in_use = 0;
		} else {
			sqlite3_finalize(r->stmt);
		}
	}
	free(r);
	return rc == STORE_OK || rc == STORE_DONE ? STORE_OK : rc;
}

static int64_t sq_last_id(struct store_conn *c)
{
	return sqlite3_last_insert_rowid(((struct sqlite_conn *)c)->db);
}

static int sq_changes(struct store_conn *c)
{
	return sqlite3_changes(((struct sqlite_conn *)c)->db);
}

int sqlite_exec_plain(struct store_conn *sc, const char *sql)
{
	return sqlite_map_rc(sqlite3_exec(((struct sqlite_conn *)sc)->db, sql, NULL, NULL, NULL));
}

/* BEGIN, COMMIT and ROLLBACK run once or twice a request: prepared once per connection
 * instead of parsed each time as sqlite3_exec would (a few per cent of a GET). */
static int exec_prepared(struct store_conn *sc, const char *sql)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	struct cached_stmt *cached;
	sqlite3_stmt *st = prepare(c, sql, &cached);
	if (!st)
		return sqlite_map_rc(sqlite3_errcode(c->db));
	int rc = sqlite3_step(st);
	if (cached) {
		sqlite3_reset(st);
		cached->in_use = 0;
	} else {
		sqlite3_finalize(st);
	}
	return sqlite_map_rc(rc == SQLITE_DONE ? SQLITE_OK : rc);
}

/* Waits for the process's write queue at most the busy timeout. */
static int write_queue_enter(struct sqlite_conn *c)
{
	struct sqlite_store *s = (struct sqlite_store *)c->base.store;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s->base.busy_timeout_ms / 1000;
	until.tv_nsec += (long)(s->base.busy_timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int rc = pthread_mutex_timedlock(&s->write_lock, &until);
	if (rc == ETIMEDOUT)
		return STORE_BUSY;
	if (rc != 0)
		return STORE_ERROR;
	c->writing = true;
	return STORE_OK;
}

static void write_queue_leave(struct sqlite_conn *c)
{
	if (c->writing) {
		c->writing = false;
		pthread_mutex_unlock(&((struct sqlite_store *)c->base.store)->write_lock);
	}
}

/* IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
 * Threads of this process first queue on a mutex: SQLite's busy handler polls with
 * sleeps of up to 100 ms, so writers that all wait in it are served late and unfairly
 * (p99 of seconds at 32 connections), while a mutex hands the lock on the moment it is
 * free. The busy handler still covers other processes (the CLI, a sqlite3 shell). */
static int sq_begin(struct store_conn *sc)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	int rc = write_queue_enter(c);
	if (rc != STORE_OK)
		return rc;
	rc = exec_prepared(sc, "BEGIN IMMEDIATE");
	if (rc != STORE_OK)
		write_queue_leave(c);
	return rc;
}

static int sq_begin_read(struct store_conn *c) { return exec_prepared(c, "BEGIN"); }

static int64_t sq_data_version(struct store_conn *c)
{
	int rc;
	int64_t v = store_one_int(c, &rc, "PRAGMA data_version", "");
	return rc == STORE_OK ? v : -1;
}

static int sq_commit(struct store_conn *sc)
{
	int rc = exec_prepared(sc, "COMMIT");
	if (rc == STORE_OK)
		write_queue_leave((struct sqlite_conn *)sc);
	return rc;	/* on failure store_commit rolls back, which leaves the queue */
}

static int sq_rollback(struct store_conn *sc)
{
	int rc = exec_prepared(sc, "ROLLBACK");
	write_queue_leave((struct sqlite_conn *)sc);
	return rc;
}

static const char *sq_errmsg(struct store_conn *c)
{
	return sqlite3_errmsg(((struct sqlite_conn *)c)->db);
}

/* ---------------------------------------------------------------- search index */

static int sq_index_put(struct store_conn *sc, enum store_doc kind, int64_t id, const char *text)
{
	int64_t rowid = id * 4 + (int64_t)kind;	/* room for four kinds of document */
	if (((struct sqlite_conn *)sc)->load_index)
		return sqlite_load_index(sc, rowid, text, true);
	int rc = store_exec(sc, "DELETE FROM search_index WHERE rowid = ?", "i", rowid);
	if (rc != STORE_OK || !text || !*text)
		return rc;
	return store_exec(sc, "INSERT INTO search_index(rowid, text) VALUES (?, ?)", "it", rowid, text);
}

static int sq_index_add(struct store_conn *sc, enum store_doc kind, int64_t id, const char *text)
{
	if (!text || !*text)
		return STORE_OK;
	if (((struct sqlite_conn *)sc)->load_index)
		return sqlite_load_index(sc, id * 4 + (int64_t)kind, text, false);
	return store_exec(sc, "INSERT INTO search_index(rowid, text) VALUES (?, ?)", "it",
			  id * 4 + (int64_t)kind, text);
}

/* Each whitespace-separated term becomes a quoted FTS5 string (quotes doubled), so no
 * user input is ever read as query syntax; the tokenizer then turns it into a phrase. */
static int sq_index_find(struct store_conn *sc, const char *query, int limit,
			 struct store_hit *hits, int *nhits)
{
	struct buf expr = BUF_INIT;
	const char *p = query;
	*nhits = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (expr.len)
			buf_puts(&expr, " AND ");
		buf_putc(&expr, '"');
		for (; *p && *p != ' '; p++) {
			if (*p == '"')
				buf_putc(&expr, '"');
			buf_putc(&expr, *p);
		}
		buf_putc(&expr, '"');
	}
	if (expr.failed || !expr.len) {
		int failed = expr.failed;
		buf_release(&expr);
		return failed ? STORE_ERROR : STORE_OK;
	}
	struct store_rows *r = store_query(sc,
		"SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ?", "ti",
		expr.data, (int64_t)limit);
	while (store_next(r) && *nhits < limit) {
		int64_t rowid = store_int(r, 0);
		hits[*nhits].kind = (enum store_doc)(rowid % 4);
		hits[*nhits].id = rowid / 4;
		(*nhits)++;
	}
	buf_release(&expr);
	return store_finish(r);
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.migrate = sqlite_migrate,
	.query = sq_query,
	.next = sq_next,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_null = sq_col_null,
	.finish = sq_finish,
	.last_id = sq_last_id,
	.changes = sq_changes,
	.begin = sq_begin,
	.begin_read = sq_begin_read,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.index_put = sq_index_put,
	.index_add = sq_index_add,
	.index_find = sq_index_find,
	.backup = sqlite_backup,
	.errmsg = sq_errmsg,
	.bulk = sqlite_bulk,
	.scratch = sqlite_scratch,
	.load = sqlite_load,
	.data_version = sq_data_version,
};
