/* store: backend-neutral wrappers (variadic parameter packing, nested transactions). */
#include <stdlib.h>
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const struct store_backend store_sqlite_backend;

struct store *store_open(const char *location, char *err, size_t errlen)
{
	return store_sqlite_backend.open(location, err, errlen);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	store_disconnect(s->batch_conn);
	s->batch_conn = NULL;
	s->backend->close(s);
}

struct store_conn *store_connect(struct store *s, char *err, size_t errlen)
{
	return s->backend->connect(s, err, errlen);
}

struct store_conn *store_batch_conn(struct store *s)
{
	if (!s->batch_conn) {
		char err[256];
		s->batch_conn = store_connect(s, err, sizeof(err));
	}
	return s->batch_conn;
}

void store_disconnect(struct store_conn *c)
{
	if (c)
		c->backend->disconnect(c);
}

int store_migrate(struct store_conn *c, int *applied)
{
	return c->backend->migrate(c, applied);
}

#define STORE_MAX_PARAMS 64
#define STORE_MAX_ROW_PARAMS 1024

static _Thread_local int fault_countdown;

void store_fault_inject(int nth)
{
	fault_countdown = nth;
}

/* True when the injected fault is due now. */
static bool fault_due(void)
{
	return fault_countdown > 0 && --fault_countdown == 0;
}

/* Counts a failure, and keeps the first one's cause since the operation began (what a
 * 500 logs: "database or disk is full" says what to do, "-> 500" alone does not).
 * `why` NULL: the backend's message. */
static void failed(struct store_conn *c, const char *why)
{
	if (c->failures == c->failures_at_begin)
		snprintf(c->failure, sizeof(c->failure), "%s",
			 why ? why : c->backend->errmsg(c));
	c->failures++;
}

const char *store_failure(const struct store_conn *c)
{
	return c->failures != c->failures_at_begin && c->failure[0] ? c->failure : NULL;
}

/* Packs the variadic arguments described by `types` into an array of pointers to them;
 * storage for the values lives in `ints`/`dbls`. */
static struct store_rows *vquery(struct store_conn *c, const char *sql, const char *types,
				 va_list ap)
{
	const void *values[STORE_MAX_PARAMS];
	int64_t ints[STORE_MAX_PARAMS];
	double dbls[STORE_MAX_PARAMS];
	size_t n = types ? strlen(types) : 0;
	/* No SQL is what an exhausted arena hands a caller that built it there: refuse it as
	 * a failed statement rather than pass NULL on to the backend (issue 10.7). */
	if (!sql || n > STORE_MAX_PARAMS || fault_due()) {
		failed(c, !sql ? "no SQL (out of memory)" : n > STORE_MAX_PARAMS
		       ? "too many parameters" : "injected fault");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		switch (types[i]) {
		case 'i': ints[i] = va_arg(ap, int64_t); values[i] = &ints[i]; break;
		case 'd': dbls[i] = va_arg(ap, double); values[i] = &dbls[i]; break;
		case 't': values[i] = va_arg(ap, const char *); break;
		case 'n': values[i] = va_arg(ap, const int64_t *); break;
		case 'D': values[i] = va_arg(ap, const double *); break;
		default:
			/* A programming error: say so, and fail the statement. */
			fprintf(stderr, "store: unknown parameter type '%c' for: %s\n", types[i], sql);
			failed(c, "unknown parameter type");
			return NULL;
		}
	}
	return c->backend->query(c, sql, types ? types : "", values);
}

struct store_rows *store_vquery(struct store_conn *c, const char *sql, const char *types,
				va_list ap)
{
	return vquery(c, sql, types, ap);
}

struct store_rows *store_query(struct store_conn *c, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct store_rows *r = vquery(c, sql, types, ap);
	va_end(ap);
	return r;
}

struct store_rows *store_query_array(struct store_conn *c, const char *sql, const char *types,
				     const void *const *values)
{
	size_t n = types ? strlen(types) : 0;
	if (!sql || n > STORE_MAX_PARAMS || fault_due()) {
		failed(c, !sql ? "no SQL (out of memory)" : n > STORE_MAX_PARAMS
		       ? "too many parameters" : "injected fault");
		return NULL;
	}
	return c->backend->query(c, sql, types ? types : "", values);
}

struct store_rows *store_query_rows(struct store_conn *c, const char *head, const char *types,
				    int nrows, const void *const *values, const char *tail)
{
	size_t per = types ? strlen(types) : 0;
	size_t n = per * (size_t)(nrows > 0 ? nrows : 0);
	char all[STORE_MAX_ROW_PARAMS + 1], sql[STORE_MAX_ROW_PARAMS * 5 + 1024];
	size_t at;
	if (!head || !per || nrows < 1 || n > STORE_MAX_ROW_PARAMS || fault_due()) {
		failed(c, nrows < 1 || !per ? "no rows" : n > STORE_MAX_ROW_PARAMS
		       ? "too many parameters" : "injected fault");
		return NULL;
	}
	at = (size_t)snprintf(sql, sizeof(sql), "%s VALUES ", head);
	if (at >= 1024) {
		failed(c, "statement too long");
		return NULL;
	}
	for (int r = 0; r < nrows; r++) {	/* at most 5 characters a value, a row's "()," */
		memcpy(all + (size_t)r * per, types, per);
		sql[at++] = r ? ',' : '(';
		if (r)
			sql[at++] = '(';
		for (size_t k = 0; k < per; k++) {
			if (k)
				sql[at++] = ',';
			sql[at++] = '?';
		}
		sql[at++] = ')';
	}
	all[n] = '\0';
	if (at + strlen(tail ? tail : "") + 1 >= sizeof(sql)) {
		failed(c, "statement too long");
		return NULL;
	}
	snprintf(sql + at, sizeof(sql) - at, "%s", tail ? tail : "");
	return c->backend->query(c, sql, all, values);
}

bool store_next(struct store_rows *r)
{
	return r && r->conn->backend->next(r) == STORE_ROW;
}

int64_t store_int(struct store_rows *r, int col) { return r->conn->backend->col_int(r, col); }
double store_double(struct store_rows *r, int col) { return r->conn->backend->col_double(r, col); }
const char *store_text(struct store_rows *r, int col) { return r->conn->backend->col_text(r, col); }
bool store_null(struct store_rows *r, int col) { return r->conn->backend->col_null(r, col); }

int store_finish(struct store_rows *r)
{
	if (!r)
		return STORE_ERROR;	/* counted where the query was refused */
	struct store_conn *c = r->conn;
	int rc = c->backend->finish(r);
	if (rc == STORE_ERROR || rc == STORE_BUSY)
		failed(c, NULL);
	if (rc == STORE_BUSY)
		c->busy++;
	return rc;
}

bool store_failed_in_tx(const struct store_conn *c)
{
	return c->failures != c->failures_at_begin;
}

bool store_busy_in_tx(const struct store_conn *c)
{
	return c->busy != c->busy_at_begin;
}

/* Remembers where the counts stood when the outermost transaction began. */
static void mark_begin(struct store_conn *c)
{
	c->failures_at_begin = c->failures;
	c->busy_at_begin = c->busy;
}

void store_operation_start(struct store_conn *c)
{
	mark_begin(c);
}

/* A begin that failed counts as a failure, so store_busy_in_tx can tell why. */
static int begun(struct store_conn *c, int rc)
{
	if (rc == STORE_OK)
		return rc;
	c->tx_depth = 0;
	failed(c, NULL);
	if (rc == STORE_BUSY)
		c->busy++;
	return rc;
}

int store_exec(struct store_conn *c, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct store_rows *r = vquery(c, sql, types, ap);
	va_end(ap);
	if (!r)
		return STORE_ERROR;
	while (store_next(r))
		;
	return store_finish(r);
}

int64_t store_one_int(struct store_conn *c, int *rc, const char *sql, const char *types, ...)
{
	va_list ap;
	int64_t v = 0;
	va_start(ap, types);
	struct store_rows *r = vquery(c, sql, types, ap);
	va_end(ap);
	if (!r) {
		*rc = STORE_ERROR;
		return 0;
	}
	if (store_next(r))
		v = store_int(r, 0);
	*rc = store_finish(r);
	return v;
}

int store_ping(struct store_conn *c)
{
	int rc;
	store_one_int(c, &rc, "SELECT 1", NULL);
	return rc;
}

int store_migrations_applied(struct store_conn *c, int64_t *n)
{
	int rc;
	*n = store_one_int(c, &rc, "SELECT count(*) FROM schema_migrations", NULL);
	return rc;
}

int64_t store_last_id(struct store_conn *c) { return c->backend->last_id(c); }
int store_changes(struct store_conn *c) { return c->backend->changes(c); }

/* An operation's outermost begin inside a group commit: a savepoint (standard SQL). */
static int op_begin(struct store_conn *c)
{
	mark_begin(c);
	int rc = store_exec(c, "SAVEPOINT anju_op", "");
	if (rc != STORE_OK)
		return rc;
	c->batch_op = true;
	c->tx_depth++;
	return STORE_OK;
}

/* Ends the operation's savepoint, keeping (release) or undoing (undo) its writes. */
static int op_end(struct store_conn *c, bool undo)
{
	int rc = STORE_OK;
	c->batch_op = false;
	c->tx_depth = 1;
	if (undo)
		rc = store_exec(c, "ROLLBACK TO SAVEPOINT anju_op", "");
	int rrc = store_exec(c, "RELEASE SAVEPOINT anju_op", "");
	if (!undo && rrc != STORE_OK) {
		/* not released: undo it, so the batch's commit cannot carry a failed operation */
		undo = true;
		rc = store_exec(c, "ROLLBACK TO SAVEPOINT anju_op", "");
		if (rc == STORE_OK)
			rc = store_exec(c, "RELEASE SAVEPOINT anju_op", "");
		if (rc == STORE_OK)
			rc = rrc;
	}
	if (undo && (rc != STORE_OK || rrc != STORE_OK))
		c->batch_broken = true;
	return rc != STORE_OK ? rc : rrc;
}

int store_begin(struct store_conn *c)
{
	if (c->tx_depth > 0 && c->tx_read_only)
		return STORE_ERROR;
	if (c->batch && !c->batch_op)
		return op_begin(c);
	if (c->tx_depth++ > 0)
		return STORE_OK;
	mark_begin(c);
	return begun(c, c->backend->begin(c));
}

int store_begin_read(struct store_conn *c)
{
	if (c->tx_depth++ > 0)
		return STORE_OK;
	mark_begin(c);
	int rc = c->backend->begin_read(c);
	c->tx_read_only = rc == STORE_OK;
	return begun(c, rc);
}

int store_commit(struct store_conn *c)
{
	if (c->batch) {
		/* outside an operation there is nothing of the caller's to commit */
		if (!c->batch_op)
			return STORE_ERROR;
		if (c->tx_depth > 2) {
			c->tx_depth--;
			return STORE_OK;
		}
		return op_end(c, false);
	}
	if (c->tx_depth <= 0)
		return STORE_ERROR;
	if (--c->tx_depth > 0)
		return STORE_OK;
	c->tx_read_only = false;
	bool injected = fault_due();
	int rc = injected ? STORE_ERROR : c->backend->commit(c);
	if (rc != STORE_OK) {
		failed(c, injected ? "injected fault" : NULL);	/* before the rollback resets it */
		c->backend->rollback(c);
		if (rc == STORE_BUSY)
			c->busy++;
	}
	return rc;
}

int store_rollback(struct store_conn *c)
{
	if (c->batch)
		return c->batch_op ? op_end(c, true) : STORE_ERROR;
	if (c->tx_depth <= 0)
		return STORE_ERROR;
	c->tx_depth = 0;
	c->tx_read_only = false;
	return c->backend->rollback(c);
}

int store_batch_begin(struct store_conn *c)
{
	if (c->tx_depth > 0)
		return STORE_ERROR;
	int rc = store_begin(c);
	c->batch = rc == STORE_OK;
	c->batch_op = false;
	c->batch_broken = false;
	return rc;
}

int store_batch_end(struct store_conn *c)
{
	if (!c->batch)
		return STORE_ERROR;
	if (c->batch_op)
		op_end(c, true);	/* an operation left open is undone, never committed */
	c->batch = false;
	mark_begin(c);
	if (c->batch_broken) {
		failed(c, "an operation of the batch could not be undone");
		store_rollback(c);
		return STORE_ERROR;
	}
	return store_commit(c);
}

int store_index_put(struct store_conn *c, enum store_doc kind, int64_t id, const char *text)
{
	return c->backend->index_put(c, kind, id, text);
}

int store_index_add(struct store_conn *c, enum store_doc kind, int64_t id, const char *text)
{
	return c->backend->index_add(c, kind, id, text);
}

int store_index_find(struct store_conn *c, const char *query, int limit,
		     struct store_hit *hits, int *nhits)
{
	return c->backend->index_find(c, query, limit, hits, nhits);
}

int store_backup(struct store_conn *c, const char *dest, char *err, size_t errlen)
{
	return c->backend->backup(c, dest, err, errlen);
}

const char *store_errmsg(struct store_conn *c) { return c->backend->errmsg(c); }

int store_bulk(struct store_conn *c, bool on) { return c->backend->bulk(c, on); }
int store_scratch(struct store_conn *c, bool on) { return c->backend->scratch(c, on); }
int store_load(struct store_conn *c, bool on, bool rebuild)
{
	return c->backend->load(c, on, rebuild);
}

int64_t store_data_version(struct store_conn *c) { return c->backend->data_version(c); }
