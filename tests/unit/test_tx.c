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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_failed_batch_answers_every_job),
	};
	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
