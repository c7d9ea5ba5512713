/* Unit tests for domain/tx.c: the group writer (tx_grouped_submit). */
#include "tests/unit/cmocka_prelude.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "domain/tx.h"
#include "tests/unit/testdb.h"

enum { JOBS = 150 };	/* more than a batch holds (64) */

static atomic_int told;
static enum outcome results[JOBS];
static json_t *outs[JOBS];
static struct arena arenas[JOBS];
static struct verrors errs[JOBS];
static struct ctx ctxs[JOBS];
static char villages[JOBS][16];

static enum outcome insert_op(struct ctx *cx, void *arg)
{
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int rc = store_exec(cx->db, "INSERT INTO household_numbers (village, last) VALUES (?, 1)",
			    "t", (const char *)arg);
	return tx_end(cx->db, OUT_OK, rc);
}

static void notify(void *arg)
{
	(void)arg;
	atomic_fetch_add(&told, 1);
}

static bool wait_told(int n, int seconds)
{
	for (int i = 0; i < seconds * 100 && atomic_load(&told) < n; i++)
		usleep(10000);
	return atomic_load(&told) == n;
}

/* Another connection holds the write lock past the busy timeout while many creations are
 * queued: the batch that cannot begin answers every one of them, OUT_BUSY (it once woke
 * only 64 and wrote past the end of its list, crashing the server); once the lock is
 * free, the same jobs go through. */
static void a_failed_batch_answers_every_job(void **state)
{
	struct testdb *t = *state;
	char err[128];
	testdb_reset(t);
	t->store->busy_timeout_ms = 300;
	struct store_conn *holder = store_connect(t->store, err, sizeof(err));
	assert_non_null(holder);
	assert_int_equal(store_begin(holder), STORE_OK);
	for (int round = 0; round < 2; round++) {
		atomic_store(&told, 0);
		for (int i = 0; i < JOBS; i++) {
			arena_init(&arenas[i], 1 << 16);
			verrors_init(&errs[i], &arenas[i]);
			ctxs[i] = t->cx;
			ctxs[i].arena = &arenas[i];
			ctxs[i].errs = &errs[i];
			snprintf(villages[i], sizeof(villages[i]), "9%02d%09d", round, i);
			results[i] = OUT_OK;
			outs[i] = NULL;
			tx_grouped_submit(&ctxs[i], insert_op, villages[i], &outs[i], &results[i],
					  notify, NULL);
		}
		assert_true(wait_told(JOBS, 30));
		int busy = 0, ok = 0;
		for (int i = 0; i < JOBS; i++) {
			busy += results[i] == OUT_BUSY;
			ok += results[i] == OUT_OK;
			arena_release(&arenas[i]);
		}
		if (round == 0) {
			assert_int_equal(busy, JOBS);
			store_rollback(holder);		/* the lock is free for round 1 */
		} else {
			assert_int_equal(ok, JOBS);
		}
	}
	int rc;
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM household_numbers"
				       " WHERE village LIKE '901%'", NULL), JOBS);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM household_numbers"
				       " WHERE village LIKE '900%'", NULL), 0);
	tx_grouped_stop();
	store_disconnect(holder);
}

/* A refusal inside a batch whose commit then fails: the job is answered with the commit's
 * failure, and the field errors of its refusal are gone (they were once sent in the 500's
 * body, describing a refusal that no longer stood). The op arms the writer thread's fault
 * injection so that the batch's commit, the next storage call, fails. */
static enum outcome refuse_then_fail_commit(struct ctx *cx, void *arg)
{
	(void)arg;
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	verrors_add(cx->errs, "origin_village", "unknown_value");
	res = tx_end(cx->db, OUT_INVALID, STORE_OK);
	store_fault_inject(1);
	return res;
}

static void a_failed_commit_drops_the_refusals_errors(void **state)
{
	struct testdb *t = *state;
	testdb_reset(t);
	atomic_store(&told, 0);
	arena_init(&arenas[0], 1 << 16);
	verrors_init(&errs[0], &arenas[0]);
	ctxs[0] = t->cx;
	ctxs[0].arena = &arenas[0];
	ctxs[0].errs = &errs[0];
	results[0] = OUT_OK;
	outs[0] = NULL;
	tx_grouped_submit(&ctxs[0], refuse_then_fail_commit, NULL, &outs[0], &results[0], notify,
			  NULL);
	assert_true(wait_told(1, 30));
	assert_int_equal(results[0], OUT_INTERNAL);
	assert_int_equal(errs[0].n, 0);
	arena_release(&arenas[0]);
	tx_grouped_stop();
}

/* What "the same record" means for a change that changes nothing (tx_end_change): what a
 * write moves on by itself is left out, and nothing else is. */
static void the_same_record_leaves_out_only_bookkeeping(void **state)
{
	(void)state;
	static const char *const same[][2] = {
		{"{\"id\": 1, \"phone\": \"1\", \"version\": 3, \"updated_at\": \"a\"}",
		 "{\"id\": 1, \"phone\": \"1\", \"version\": 4, \"updated_at\": \"b\"}"},
		{"{\"items\": [{\"id\": 7, \"kind\": \"forest\"}]}", "{\"items\": [{\"id\": 9, \"kind\": \"forest\"}]}"},
		{"{\"items\": [{\"kind\": \"x\", \"updated_at\": \"a\"}]}", "{\"items\": [{\"kind\": \"x\", \"updated_at\": \"b\"}]}"},
	};
	static const char *const differ[][2] = {
		{"{\"id\": 1, \"phone\": \"1\"}", "{\"id\": 2, \"phone\": \"1\"}"},	/* another record */
		{"{\"phone\": \"1\"}", "{\"phone\": \"2\"}"},
		{"{\"phone\": \"1\"}", "{\"phone\": null}"},
		{"{\"phone\": \"1\"}", "{\"phone\": \"1\", \"room\": 3}"},	/* a key more */
		{"{\"phone\": \"1\", \"room\": 3}", "{\"phone\": \"1\"}"},	/* a key less */
		{"{\"items\": [{\"kind\": \"x\"}]}", "{\"items\": [{\"kind\": \"x\"}, {\"kind\": \"y\"}]}"},
		{"{\"items\": [{\"id\": 1, \"kind\": \"x\"}]}", "{\"items\": [{\"id\": 1, \"kind\": \"y\"}]}"},
		{"{\"a\": {\"b\": 1}}", "{\"a\": {\"b\": 2}}"},
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		json_t *a = json_loads(same[i][0], 0, NULL), *b = json_loads(same[i][1], 0, NULL);
		if (!tx_same(a, b) || !tx_same(b, a))
			fail_msg("the same: %s %s", same[i][0], same[i][1]);
		json_decref(a);
		json_decref(b);
	}
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		json_t *a = json_loads(differ[i][0], 0, NULL), *b = json_loads(differ[i][1], 0, NULL);
		if (tx_same(a, b) || tx_same(b, a))
			fail_msg("not the same: %s %s", differ[i][0], differ[i][1]);
		json_decref(a);
		json_decref(b);
	}
	assert_false(tx_same(NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_failed_batch_answers_every_job),
		cmocka_unit_test(a_failed_commit_drops_the_refusals_errors),
		cmocka_unit_test(the_same_record_leaves_out_only_bookkeeping),
	};
	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
