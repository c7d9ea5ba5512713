/*
 * audit_reads: read events, queued in memory and written in batches.
 *
 * A GET runs inside a read snapshot and must not wait for SQLite's single writer, so a read
 * is only copied into a bounded queue here (a mutex and a memcpy); one background thread
 * writes whatever is queued every interval, or as soon as AUDIT_BATCH events wait, in one
 * transaction on its own connection. A crash loses at most the events of the last interval
 * (docs/decisions.md). When the queue stays full (the database is stuck) a reader waits a
 * moment and then drops its event, and the count of dropped events is itself written.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/audit.h"

#define QUEUE_CAP 8192
#define FULL_WAIT_MS 1000

struct read_event {
	char at[21];
	int64_t user_id, entity_id, records;
	bool has_entity_id;
	char username[64], address[64], action[16], entity[16], detail[128];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* the writer: a batch is ready, or stop */
	pthread_cond_t space;	/* readers waiting on a full queue */
	struct read_event ev[QUEUE_CAP];
	int head, n;
	int64_t dropped;
	bool running, stopping;
	pthread_t thread;
	struct store *store;
	int interval_ms;
} q = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
       .space = PTHREAD_COND_INITIALIZER};

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void audit_read(struct ctx *cx, const char *action, const char *entity, int64_t id,
		int64_t records, const char *detail)
{
	struct read_event e;
	const struct actor *ac = cx->actor;
	memset(&e, 0, sizeof(e));
	audit_now(e.at);
	e.user_id = ac->user_id;
	e.entity_id = id;
	e.has_entity_id = id != 0;
	e.records = records;
	snprintf(e.username, sizeof(e.username), "%s", ac->username);
	snprintf(e.address, sizeof(e.address), "%s", ac->address);
	snprintf(e.action, sizeof(e.action), "%s", action);
	snprintf(e.entity, sizeof(e.entity), "%s", entity);
	if (detail)
		snprintf(e.detail, sizeof(e.detail), "%s", detail);
	pthread_mutex_lock(&q.lock);
	if (q.n == QUEUE_CAP && q.running) {
		struct timespec until;
		deadline_in(&until, FULL_WAIT_MS);
		pthread_cond_signal(&q.wake);
		while (q.n == QUEUE_CAP && q.running &&
		       pthread_cond_timedwait(&q.space, &q.lock, &until) == 0)
			;
	}
	if (q.n == QUEUE_CAP) {
		q.dropped++;
	} else {
		q.ev[(q.head + q.n) % QUEUE_CAP] = e;
		if (++q.n >= AUDIT_BATCH)
			pthread_cond_signal(&q.wake);
	}
	pthread_mutex_unlock(&q.lock);
}

/* ---------------------------------------------------------------- writing */

static void row_of(const struct read_event *e, struct audit_row *r)
{
	memset(r, 0, sizeof(*r));
	r->at = e->at;
	r->user_id = e->user_id;
	r->username = e->username;
	r->address = e->address;
	r->action = e->action;
	r->entity = e->entity;
	r->entity_id = e->has_entity_id ? &e->entity_id : NULL;
	r->records = &e->records;
	r->detail = e->detail[0] ? e->detail : NULL;
}

/* Writes up to AUDIT_BATCH queued events in one transaction; they leave the queue only
 * once committed, so a failed write is tried again next time. Returns a store_rc; *more
 * says whether events are still waiting. */
static int flush_batch(struct store_conn *db, bool *more)
{
	struct read_event *batch = malloc((AUDIT_BATCH + 1) * sizeof(*batch));
	struct audit_row *rows = malloc((AUDIT_BATCH + 1) * sizeof(*rows));
	*more = false;
	if (!batch || !rows) {
		free(batch);
		free(rows);
		return STORE_ERROR;
	}
	pthread_mutex_lock(&q.lock);
	int n = q.n < AUDIT_BATCH ? q.n : AUDIT_BATCH;
	for (int i = 0; i < n; i++)
		batch[i] = q.ev[(q.head + i) % QUEUE_CAP];
	int64_t dropped = q.dropped;
	pthread_mutex_unlock(&q.lock);
	if (n == 0 && dropped == 0) {
		free(batch);
		free(rows);
		return STORE_OK;
	}
	for (int i = 0; i < n; i++)
		row_of(&batch[i], &rows[i]);
	int total = n;
	if (dropped) {	/* say that reads went unrecorded, and how many */
		struct read_event *d = &batch[n];
		memset(d, 0, sizeof(*d));
		audit_now(d->at);
		snprintf(d->username, sizeof(d->username), "system");
		snprintf(d->action, sizeof(d->action), "reads_dropped");
		snprintf(d->entity, sizeof(d->entity), "audit");
		d->records = dropped;
		row_of(d, &rows[total++]);
	}
	int rc = store_begin(db);
	if (rc == STORE_OK) {
		rc = audit_chain_append_many(db, rows, total);
		if (rc == STORE_OK && !store_failed_in_tx(db))
			rc = store_commit(db);
		else
			store_rollback(db);
	}
	pthread_mutex_lock(&q.lock);
	if (rc == STORE_OK) {
		q.head = (q.head + n) % QUEUE_CAP;
		q.n -= n;
		q.dropped -= dropped;
		pthread_cond_broadcast(&q.space);
	}
	*more = rc == STORE_OK && q.n > 0;
	pthread_mutex_unlock(&q.lock);
	free(batch);
	free(rows);
	return rc;
}

int audit_reads_flush(struct store_conn *db)
{
	bool more = true;
	int rc = STORE_OK;
	while (more && rc == STORE_OK)
		rc = flush_batch(db, &more);
	return rc;
}

static void *writer(void *arg)
{
	char err[256];
	(void)arg;
	pthread_setname_np(pthread_self(), "anju-audit");	/* for top -H and perf */
	struct store_conn *db = store_connect(q.store, err, sizeof(err));
	if (!db)
		log_error("audit: the read-event writer has no database: %s", err);
	pthread_mutex_lock(&q.lock);
	for (;;) {
		struct timespec until;
		deadline_in(&until, q.interval_ms);
		while (!q.stopping && q.n < AUDIT_BATCH &&
		       pthread_cond_timedwait(&q.wake, &q.lock, &until) == 0)
			;
		bool stop = q.stopping;
		pthread_mutex_unlock(&q.lock);
		if (db && audit_reads_flush(db) != STORE_OK)
			log_error("audit: writing read events failed: %s; kept for the next try",
				  store_errmsg(db));
		pthread_mutex_lock(&q.lock);
		if (stop)
			break;
	}
	pthread_mutex_unlock(&q.lock);
	if (db)
		store_disconnect(db);
	return NULL;
}

int audit_reads_start(struct store *store, int interval_ms)
{
	pthread_mutex_lock(&q.lock);
	q.store = store;
	q.interval_ms = interval_ms > 0 ? interval_ms : 200;
	q.stopping = false;
	q.running = pthread_create(&q.thread, NULL, writer, NULL) == 0;
	int rc = q.running ? 0 : -1;
	pthread_mutex_unlock(&q.lock);
	return rc;
}

void audit_reads_stop(void)
{
	pthread_mutex_lock(&q.lock);
	if (!q.running) {
		pthread_mutex_unlock(&q.lock);
		return;
	}
	q.stopping = true;
	pthread_cond_signal(&q.wake);
	pthread_mutex_unlock(&q.lock);
	pthread_join(q.thread, NULL);
	pthread_mutex_lock(&q.lock);
	q.running = false;
	pthread_cond_broadcast(&q.space);
	pthread_mutex_unlock(&q.lock);
}
