/*
 * store_sqlite.h: what the files of the SQLite backend share (store_sqlite.c: connections,
 * queries, transactions, the search index; store_sqlite_upkeep.c: migrations, backup,
 * bulk loads). Private to src/store: the rest of anju sees only store.h.
 */
#ifndef ANJU_STORE_SQLITE_H
#define ANJU_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

#define STMT_CACHE 256
#define STMT_SLOTS 1024		/* the cache's hash index: a power of two, 4 x STMT_CACHE */
#define SQLITE_LOAD_DEFERRED 8	/* indexes a load (sqlite_load) may drop and rebuild */

struct sqlite_store {
	struct store base;
	char *path;
	pthread_mutex_t write_lock;	/* held from BEGIN IMMEDIATE to COMMIT/ROLLBACK */
};

struct cached_stmt {
	uint32_t hash;		/* of sql, compared before the text */
	char *sql;
	sqlite3_stmt *stmt;
	int in_use;
};

struct sqlite_conn {
	struct store_conn base;
	sqlite3 *db;
	struct cached_stmt cache[STMT_CACHE];
	int ncache;
	/* open addressing by the SQL's hash: cache index + 1, 0 an empty slot (entries are
	 * never removed, so a probe ends at the first empty slot) */
	short slot[STMT_SLOTS];
	char *deferred_index;	/* in bulk mode: the CREATE INDEX to run when it ends */
	char *load_deferred[SQLITE_LOAD_DEFERRED];	/* in a load: the CREATE INDEXes to run */
	bool writing;		/* this connection holds its store's write_lock */
	bool load_index;	/* in a load: search entries queued, written in rowid order at its end */
};

/* A SQLite result code as a store_rc. */
int sqlite_map_rc(int rc);
/* Runs SQL text without parameters (pragmas, DDL), as a store_rc. */
int sqlite_exec_plain(struct store_conn *sc, const char *sql);

int sqlite_migrate(struct store_conn *sc, int *applied);
int sqlite_backup(struct store_conn *sc, const char *dest, char *err, size_t errlen);
int sqlite_bulk(struct store_conn *sc, bool on);
int sqlite_scratch(struct store_conn *sc, bool on);
int sqlite_load(struct store_conn *sc, bool on, bool rebuild);
/* In a load, a search entry (text NULL: removed) queued for the load's end. */
int sqlite_load_index(struct store_conn *sc, int64_t rowid, const char *text, bool replace);

#endif
