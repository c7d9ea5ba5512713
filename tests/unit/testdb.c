/* testdb: temporary databases for unit tests. */
#include "tests/unit/testdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "core/log.h"
#include "core/msg.h"
#include "domain/audit.h"
#include "demo/demo.h"
#include "domain/division.h"

static int open_db(void **state, long demo_persons)
{
	struct testdb *t = calloc(1, sizeof(*t));
	char err[256], path[400];
	int applied, loaded;
	if (!t || sodium_init() < 0)
		return -1;
	log_quiet(1);
	snprintf(t->dir, sizeof(t->dir), "/tmp/anju-unit-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/test.db", t->dir);
	t->store = store_open(t->path, err, sizeof(err));
	if (!t->store || !(t->db = store_connect(t->store, err, sizeof(err))))
		return -1;
	if (store_migrate(t->db, &applied) != STORE_OK || division_seed(t->db, &loaded) != STORE_OK)
		return -1;
	snprintf(path, sizeof(path), "%s/data", t->dir);
	if (blobstore_init(&t->blobs, path, err, sizeof(err)) ||
	    audit_chain_key_load(path, err, sizeof(err)))
		return -1;
	actor_system(&t->actor);
	arena_init(&t->arena, 0);
	verrors_init(&t->errs, &t->arena);
	t->cx = (struct ctx){.db = t->db, .actor = &t->actor, .arena = &t->arena,
			     .errs = &t->errs, .today = date_today(), .blobs = &t->blobs};
	if (demo_persons) {
		struct demo_options opt = {.seed = 7, .persons = demo_persons, .with_users = 1};
		struct demo_summary sum;
		const char *key;
		if (demo_generate(&t->cx, &opt, &sum, &key))
			return -1;
	}
	*state = t;
	return 0;
}

int testdb_setup(void **state) { return open_db(state, 0); }
int testdb_setup_demo(void **state) { return open_db(state, 2000); }

void testdb_reset(struct testdb *t)
{
	arena_release(&t->arena);
	arena_init(&t->arena, 0);
	verrors_init(&t->errs, &t->arena);
}

int testdb_teardown(void **state)
{
	struct testdb *t = *state;
	char cmd[400];
	store_disconnect(t->db);
	store_close(t->store);
	arena_release(&t->arena);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	int rc = system(cmd);
	free(t);
	return rc == 0 ? 0 : -1;
}

bool testdb_in_both_catalogues(const char *key)
{
	for (unsigned i = 0; i < msg_table_len; i++)
		if (strcmp(msg_table[i].key, key) == 0)
			return msg_table[i].text[LANG_ZH] && *msg_table[i].text[LANG_ZH] &&
			       msg_table[i].text[LANG_EN] && *msg_table[i].text[LANG_EN];
	return false;
}
