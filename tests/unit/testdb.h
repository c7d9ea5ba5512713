/* testdb: a fresh database in a temporary folder for unit tests, with a system actor. */
#ifndef ANJU_TESTDB_H
#define ANJU_TESTDB_H
#include "domain/actor.h"
#include "store/blobstore.h"

struct testdb {
	char dir[256];
	char path[300];
	struct store *store;
	struct store_conn *db;
	struct blobstore blobs;
	struct actor actor;
	struct arena arena;
	struct verrors errs;
	struct ctx cx;
};

/* cmocka group setup: an empty, migrated database with the divisions loaded. */
int testdb_setup(void **state);
/* Same, plus a small demo county (2,000 persons, fixed seed, with the demo users). */
int testdb_setup_demo(void **state);
int testdb_teardown(void **state);
/* Clears the field errors and the arena between operations. */
void testdb_reset(struct testdb *t);
/* True when both message catalogues have `key` with some text. */
bool testdb_in_both_catalogues(const char *key);
#endif
