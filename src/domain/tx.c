/* tx: beginning and ending write transactions, and grouping them into one commit. */
#include "domain/tx.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "core/log.h"

enum outcome tx_begin(struct store_conn *db)
{
	int rc = store_begin(db);
	return rc == STORE_OK ? OUT_OK : rc == STORE_BUSY ? OUT_BUSY : OUT_INTERNAL;
}

enum outcome tx_end(struct store_conn *db, enum outcome res, int rc)
{
	if (store_failed_in_tx(db) && rc != STORE_CONSTRAINT) {
		store_rollback(db);
		return store_busy_in_tx(db) ? OUT_BUSY : OUT_INTERNAL;
	}
	if (res == OUT_OK && rc == STORE_OK && store_commit(db) == STORE_OK)
		return OUT_OK;
	store_rollback(db);
	if (store_busy_in_tx(db))
		return OUT_BUSY;	/* the commit met a locked database */
	if (res != OUT_OK)
		return res;
	return rc == STORE_CONSTRAINT ? OUT_CONFLICT : OUT_INTERNAL;
}

enum outcome tx_end_out(struct store_conn *db, enum outcome res, int rc, json_t **out)
{
	res = tx_end(db, res, rc);
	if (res != OUT_OK && out && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return res;
}

static bool same(json_t *a, json_t *b, bool row)
{
	if (json_is_object(a) && json_is_object(b)) {
		const char *key;
		json_t *v;
		for (int pass = 0; pass < 2; pass++)
			json_object_foreach(pass ? b : a, key, v) {
				if (strcmp(key, "version") == 0 || strcmp(key, "updated_at") == 0 ||
				    (row && strcmp(key, "id") == 0))
					continue;
				json_t *w = json_object_get(pass ? a : b, key);
				if (!w || (!pass && !same(v, w, false)))
					return false;
			}
		return true;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i), true))
				return false;
		return true;
	}
	return json_equal(a, b);
}

bool tx_same(json_t *a, json_t *b)
{
	return a && b && same(a, b, false);
}

enum outcome tx_end_change(struct ctx *cx, enum outcome res, int rc, json_t *before,
			   json_t **out)
{
	if (res == OUT_OK && rc == STORE_OK && !store_failed_in_tx(cx->db) && *out &&
	    tx_same(before, *out)) {
		json_decref(*out);
		*out = NULL;
		if (store_rollback(cx->db) != STORE_OK)
			return OUT_INTERNAL;
		*out = json_incref(before);
		cx->unchanged = true;
		return OUT_OK;
	}
	return tx_end_out(cx->db, res, rc, out);
}

enum outcome tx_begin_change(struct ctx *cx, const struct tx_record *kind, int64_t id,
			     const char *if_match, json_t *body, json_t **before)
{
	char etag[48];
	*before = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	*before = kind->load_from ? kind->load_from(cx, kind->arg, id) : kind->load(cx, id);
	if (!*before)
		res = OUT_NOT_FOUND;
	else if ((res = kind->writable_from ? kind->writable_from(cx, kind->arg, *before)
			: kind->writable(cx, *before)) != OUT_OK)
		;	/* who may not change it learns nothing of its version */
	else if (!if_match)
		res = OUT_PRECONDITION_REQUIRED;
	else if (kind->etag(*before, etag), strcmp(if_match, etag) != 0 && strcmp(if_match, "*") != 0)
		res = OUT_PRECONDITION_FAILED;
	if (res == OUT_OK)
		return OUT_OK;
	json_decref(*before);
	*before = NULL;
	return tx_end(cx->db, res, STORE_OK);
}

int64_t tx_given(json_t *body, const char *key)
{
	return json_object_get(body, key) != NULL;
}

/* ---------------------------------------------------------------- group commit */

/* Each commit of a small write costs more than its inserts (WAL frames for every page the
 * write touched, then checkpoints): the sqlite3 shell itself inserts a household's rows
 * twice as fast in one transaction for many as in one each. So concurrent writes are
 * combined: whoever finds no batch running becomes the leader, takes every queued job,
 * runs them in one transaction and commits once; the others sleep until their job is
 * done. With one writer at a time there is no queue and a batch holds one job. */

#define TX_BATCH_MAX 64

struct tx_job {
	struct tx_job *next;
	struct ctx *cx;
	enum outcome (*op)(struct ctx *cx, void *arg);
	void *arg;
	json_t **out;
	enum outcome res;
	bool done;
	/* submitted (tx_grouped_submit): where the outcome goes, and whom to tell */
	enum outcome *res_out;
	void (*notify)(void *arg);
	void *notify_arg;
	struct tx_job *told_next;	/* lead's list of submitted jobs to tell */
};

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_done = PTHREAD_COND_INITIALIZER;
static struct tx_job *queue_head, *queue_tail;
static bool leader_running;

/* Runs up to TX_BATCH_MAX jobs in one transaction on db; returns the jobs it did not get
 * to (after a storage failure, which may have ended the transaction under the others). */
static struct tx_job *run_batch(struct store_conn *db, struct tx_job *jobs)
{
	struct tx_job *j, *ran_end = jobs;
	int n = 0;
	int rc = store_batch_begin(db);
	if (rc != STORE_OK) {
		enum outcome res = rc == STORE_BUSY ? OUT_BUSY : OUT_INTERNAL;
		for (j = jobs; j; j = j->next)
			j->res = res;
		return NULL;
	}
	for (j = jobs; j && n < TX_BATCH_MAX; j = j->next, n++) {
		struct ctx here = *j->cx;
		here.db = db;
		j->res = j->op(&here, j->arg);
		ran_end = j->next;
		if (j->res == OUT_INTERNAL || j->res == OUT_BUSY) {
			j = j->next;
			break;
		}
	}
	struct tx_job *rest = ran_end;
	rc = store_batch_end(db);
	if (rc != STORE_OK) {
		enum outcome res = store_busy_in_tx(db) ? OUT_BUSY : OUT_INTERNAL;
		const char *why = store_failure(db);
		log_error("group commit of %d writes failed (storage: %s)", n,
			  why ? why : "unknown");
		/* Every job of the batch failed with the commit, refused ones too: a refusal may
		 * have written (an ID-number probe's audit row), and that row is lost now. */
		for (j = jobs; j != rest; j = j->next) {
			j->res = res;
			/* a refused job's field errors describe a refusal that no longer stands:
			 * its answer is the commit's 500/503, without them */
			verrors_clear(j->cx->errs);
			if (j->out && *j->out) {
				json_decref(*j->out);
				*j->out = NULL;
			}
		}
	}
	return rest;
}

/* No connection to run them on: up to a batch's worth of jobs fail; returns the rest. */
static struct tx_job *fail_batch(struct tx_job *jobs)
{
	int n = 0;
	for (; jobs && n < TX_BATCH_MAX; jobs = jobs->next, n++)
		jobs->res = OUT_INTERNAL;
	return jobs;
}

/* Runs one batch: called with queue_lock held, no leader running and a non-empty queue;
 * returns with the lock held again. Submitted jobs are told outside the lock, after their
 * outcome is stored: from then on their memory is their owner's. */
static void lead(struct store_conn *db)
{
	leader_running = true;
	struct tx_job *batch = queue_head;
	queue_head = queue_tail = NULL;
	pthread_mutex_unlock(&queue_lock);
	struct tx_job *rest = db ? run_batch(db, batch) : fail_batch(batch);
	struct tx_job *told = NULL, **told_end = &told;	/* however many: a failed begin fails all */
	pthread_mutex_lock(&queue_lock);
	for (struct tx_job *j = batch; j != rest; ) {
		struct tx_job *next = j->next;
		if (j->notify) {
			*j->res_out = j->res;
			j->told_next = NULL;
			*told_end = j;
			told_end = &j->told_next;
		} else {
			j->done = true;		/* the waiter owns it again from here */
		}
		j = next;
	}
	if (rest) {
		/* not run: back to the front of the queue, in their order */
		struct tx_job *last = rest;
		while (last->next)
			last = last->next;
		last->next = queue_head;
		queue_head = rest;
		if (!queue_tail)
			queue_tail = last;
	}
	leader_running = false;
	pthread_cond_broadcast(&queue_done);
	pthread_mutex_unlock(&queue_lock);
	while (told) {		/* read the link first: once told, a job is its owner's */
		struct tx_job *j = told;
		told = j->told_next;
		j->notify(j->notify_arg);
	}
	pthread_mutex_lock(&queue_lock);
}

static void enqueue(struct tx_job *job)
{
	if (queue_tail)
		queue_tail->next = job;
	else
		queue_head = job;
	queue_tail = job;
}

enum outcome tx_grouped(struct ctx *cx, enum outcome (*op)(struct ctx *cx, void *arg),
			void *arg, json_t **out)
{
	struct tx_job job = {.cx = cx, .op = op, .arg = arg, .out = out};
	pthread_mutex_lock(&queue_lock);
	enqueue(&job);
	while (!job.done) {
		if (leader_running) {
			pthread_cond_wait(&queue_done, &queue_lock);
			continue;
		}
		/* Lead: take the whole queue (our own job is in it, not yet done). */
		struct store_conn *db = store_batch_conn(cx->db->store);
		lead(db ? db : cx->db);
	}
	pthread_mutex_unlock(&queue_lock);
	return job.res;
}

/* ---------------------------------------------------------------- the group writer */

/* A web server thread that waited in tx_grouped could serve none of its other connections
 * meanwhile, so a GET sharing a thread with writers waited for their batches (GET p99
 * past 50 ms at 32 writers). Submitted jobs are run by a thread of their own instead; the
 * server sleeps the connection and wakes it when told. */
static struct {
	pthread_t thread;
	bool running, stopping;
	struct store *store;
} gw;

static void *group_writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&queue_lock);
	for (;;) {
		if (leader_running || (!queue_head && !gw.stopping)) {
			pthread_cond_wait(&queue_done, &queue_lock);
			continue;
		}
		if (!queue_head)
			break;		/* stopping, and nothing left */
		lead(store_batch_conn(gw.store));	/* NULL: the batch fails */
	}
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

void tx_grouped_submit(struct ctx *cx, enum outcome (*op)(struct ctx *cx, void *arg), void *arg,
		       json_t **out, enum outcome *res, void (*notify)(void *), void *notify_arg)
{
	struct tx_job *job = arena_alloc(cx->arena, sizeof(*job));
	pthread_mutex_lock(&queue_lock);
	if (job && !gw.running && !gw.stopping) {
		gw.store = cx->db->store;
		gw.running = pthread_create(&gw.thread, NULL, group_writer, NULL) == 0;
	}
	bool queued = job && gw.running && !gw.stopping && gw.store == cx->db->store;
	if (queued) {
		*job = (struct tx_job){.cx = cx, .op = op, .arg = arg, .out = out, .res_out = res,
				       .notify = notify, .notify_arg = notify_arg};
		enqueue(job);
		pthread_cond_broadcast(&queue_done);
	}
	pthread_mutex_unlock(&queue_lock);
	if (!queued) {		/* no writer thread (stopping, or none could start): here */
		*res = tx_grouped(cx, op, arg, out);
		notify(notify_arg);
	}
}

void tx_grouped_stop(void)
{
	pthread_mutex_lock(&queue_lock);
	bool was = gw.running;
	gw.stopping = true;
	pthread_cond_broadcast(&queue_done);
	pthread_mutex_unlock(&queue_lock);
	if (was)
		pthread_join(gw.thread, NULL);
	pthread_mutex_lock(&queue_lock);
	gw.running = false;	/* stopping stays: later submissions run in their caller */
	pthread_mutex_unlock(&queue_lock);
}
