/*
 * store_sqlite_upkeep: the SQLite backend's upkeep — the numbered migrations applied in
 * order, the online backup, and bulk-load mode (big cache, one index built at the end).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/embedded.h"
#include "store/store_sqlite.h"

extern const struct embedded_file sqlite_migrations[];

/* Indexes only reads need, dropped while a bulk load runs and built once at its end:
 * building an index over sorted data beats maintaining it row by row. */
static const char *const bulk_deferred_index = "persons_followup";

/* ---------------------------------------------------------------- migrations */

/* A migration whose first line is this rebuilds tables others refer to (SQLite's procedure
 * for a change ALTER TABLE cannot make): it runs with foreign keys off, which SQLite allows
 * only outside a transaction, and commits only when `PRAGMA foreign_key_check` finds no
 * row referring to nothing. */
static const char fk_off_mark[] = "-- anju: foreign keys off\n";

/* One migration in its own transaction, recorded in schema_migrations with it. */
static int apply_one(struct store_conn *sc, const struct embedded_file *m)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	bool fk_off = strncmp(m->content, fk_off_mark, sizeof(fk_off_mark) - 1) == 0;
	int rc;
	if (fk_off && (rc = sqlite_exec_plain(sc, "PRAGMA foreign_keys = OFF")) != STORE_OK)
		return rc;
	if ((rc = store_begin(sc)) != STORE_OK)
		goto done;
	if (sqlite3_exec(c->db, m->content, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "migration %s: %s\n", m->name, sqlite3_errmsg(c->db));
		store_rollback(sc);
		rc = STORE_ERROR;
		goto done;
	}
	if (fk_off) {
		struct store_rows *r = store_query(sc, "PRAGMA foreign_key_check", "");
		bool dangling = store_next(r);
		if (dangling)
			fprintf(stderr, "migration %s: a row of %s refers to nothing\n", m->name,
				store_text(r, 0));
		rc = store_finish(r);
		if (dangling || rc != STORE_OK) {
			store_rollback(sc);
			rc = STORE_ERROR;
			goto done;
		}
	}
	rc = store_exec(sc, "INSERT INTO schema_migrations(name, applied_at)"
			    " VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", "t", m->name);
	if (rc != STORE_OK) {
		store_rollback(sc);
		goto done;
	}
	rc = store_commit(sc);
done:
	if (fk_off) {
		int on = sqlite_exec_plain(sc, "PRAGMA foreign_keys = ON");
		if (rc == STORE_OK)
			rc = on;
	}
	return rc;
}

int sqlite_migrate(struct store_conn *sc, int *applied)
{
	int rc;
	*applied = 0;
	rc = sqlite_exec_plain(sc, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			    " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
	if (rc != STORE_OK)
		return rc;
	for (const struct embedded_file *m = sqlite_migrations; m->name; m++) {
		int have = (int)store_one_int(sc, &rc,
			"SELECT count(*) FROM schema_migrations WHERE name = ?", "t", m->name);
		if (rc != STORE_OK)
			return rc;
		if (have)
			continue;
		rc = apply_one(sc, m);
		if (rc != STORE_OK)
			return rc;
		(*applied)++;
	}
	return STORE_OK;
}

/* ---------------------------------------------------------------- backup */

/* The whole copy is one backup step inside one read transaction on the source. Copying a
 * few pages a step let any commit by another connection restart the copy (90 s under a
 * writer against 0.4 s idle); one step reads one WAL snapshot, which writers do not
 * disturb, so the copy ends in the idle time and is exactly the database as of its start.
 * The destination is created here, 0600 and exclusively: it holds personal data, and an
 * existing file is never overwritten. A copy that failed is removed. */
int sqlite_backup(struct store_conn *sc, const char *dest, char *err, size_t errlen)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	sqlite3 *out = NULL;
	int rc;
	if (sc->tx_depth > 0) {
		snprintf(err, errlen, "backup inside a transaction");
		return STORE_ERROR;
	}
	int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		return STORE_ERROR;
	}
	close(fd);
	rc = sqlite3_exec(c->db, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(out, "main", c->db, "main");
		if (!b) {
			rc = sqlite3_errcode(out);
		} else {
			rc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? sqlite3_errcode(out) : rc;
		}
	}
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: %s", dest, out ? sqlite3_errmsg(out) : sqlite3_errmsg(c->db));
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (out && sqlite3_close(out) != SQLITE_OK && rc == SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot close", dest);
		rc = SQLITE_ERROR;
	}
	if (rc == SQLITE_OK) {
		/* The copy is on disk before we say it is there. */
		fd = open(dest, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) != 0) {
			snprintf(err, errlen, "%s: %s", dest, strerror(errno));
			rc = SQLITE_IOERR;
		}
		if (fd >= 0)
			close(fd);
	}
	if (rc != SQLITE_OK)
		unlink(dest);	/* ours: created above, exclusively */
	return sqlite_map_rc(rc);
}

int sqlite_bulk(struct store_conn *sc, bool on)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	int rc = sqlite_exec_plain(sc, on ? "PRAGMA cache_size = -1048576; PRAGMA mmap_size = 4294967296"
			       : "PRAGMA cache_size = -8000; PRAGMA mmap_size = 0");
	if (rc != STORE_OK)
		return rc;
	if (on && !c->deferred_index) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(c->db, "SELECT sql FROM sqlite_master WHERE type = 'index'"
				       " AND name = ?", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_bind_text(st, 1, bulk_deferred_index, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			c->deferred_index = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (c->deferred_index) {
			char drop[96];
			snprintf(drop, sizeof(drop), "DROP INDEX %s", bulk_deferred_index);
			rc = sqlite_exec_plain(sc, drop);
		}
	} else if (!on && c->deferred_index) {
		rc = sqlite_exec_plain(sc, c->deferred_index);
		free(c->deferred_index);
		c->deferred_index = NULL;
	}
	return rc;
}

int sqlite_scratch(struct store_conn *sc, bool on)
{
	/* SQLite drops the connection's temporary tables when temp_store changes */
	return sqlite_exec_plain(sc, on ? "PRAGMA temp_store = FILE" : "PRAGMA temp_store = MEMORY");
}

/* Indexes only searches and reports read, which a big load drops and builds at its end
 * (sqlite_load): an import's own look-ups (an ID number, a household's members, a
 * household's number) go through the others. */
static const char *const load_deferred_indexes[SQLITE_LOAD_DEFERRED] = {
	"persons_id_reversed", "persons_initials", "persons_pinyin", "persons_name",
	"persons_phone", "persons_followup", NULL, NULL};

int sqlite_load_index(struct store_conn *sc, int64_t rowid, const char *text, bool replace)
{
	return store_exec(sc, "INSERT INTO temp.load_search (id, text, del) VALUES (?, ?, ?)"
			  " ON CONFLICT (id) DO UPDATE SET text = excluded.text,"
			  " del = del OR excluded.del", "iti", rowid, text && *text ? text : NULL,
			  (int64_t)replace);
}

/* The queued search entries into the index: the replaced ones' old entries removed, then
 * every new one, both in rowid order (one FTS5 segment's worth of pending terms at a time). */
static int load_index_flush(struct store_conn *sc)
{
	struct store_rows *q = store_query(sc, "SELECT id FROM temp.load_search WHERE del <> 0"
					   " ORDER BY id", "");
	int rc = STORE_OK;
	while (rc == STORE_OK && store_next(q))
		rc = store_exec(sc, "DELETE FROM search_index WHERE rowid = ?", "i",
				store_int(q, 0));
	int frc = store_finish(q);
	if (rc == STORE_OK)
		rc = frc;
	if (rc == STORE_OK)
		rc = store_exec(sc, "INSERT INTO search_index (rowid, text) SELECT id, text"
				" FROM temp.load_search WHERE text IS NOT NULL ORDER BY id", "");
	return rc;
}

/* 128 MiB of pages for the database, 32 MiB for the temporary tables (an import's
 * scratch tables of the keys it has seen): bounded, so a load's memory does not grow with
 * its size; at a county's 1.92 M persons the indexes a load writes (ID numbers, household
 * numbers) fit in them, as they do not in 8 MB. */
int sqlite_load(struct store_conn *sc, bool on, bool rebuild)
{
	struct sqlite_conn *c = (struct sqlite_conn *)sc;
	int rc = sqlite_exec_plain(sc, on
		? "PRAGMA cache_size = -131072; PRAGMA temp.cache_size = -32768"
		: "PRAGMA cache_size = -8000; PRAGMA temp.cache_size = -2000");
	for (int i = 0; on && rebuild && rc == STORE_OK && load_deferred_indexes[i]; i++) {
		sqlite3_stmt *st = NULL;
		if (c->load_deferred[i])
			continue;	/* dropped already */
		if (sqlite3_prepare_v2(c->db, "SELECT sql FROM sqlite_master WHERE type = 'index'"
				       " AND name = ?", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, load_deferred_indexes[i], -1,
				      SQLITE_STATIC) != SQLITE_OK) {
			sqlite3_finalize(st);
			return STORE_ERROR;
		}
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
			c->load_deferred[i] = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return sqlite_map_rc(step);
		if (step == SQLITE_DONE)
			continue;	/* not there (a bulk load dropped it): nothing to build */
		if (!c->load_deferred[i])
			return STORE_ERROR;
		char drop[96];
		snprintf(drop, sizeof(drop), "DROP INDEX %s", load_deferred_indexes[i]);
		rc = sqlite_exec_plain(sc, drop);
	}
	/* The search entries of the load, queued in a temporary table (on disk with
	 * store_scratch) and written at its end in rowid order: FTS5 keeps its pending terms
	 * in rowid order, and a household's entry written after its members' (a lower rowid)
	 * made it flush them into a new segment at every household. */
	if (on && rc == STORE_OK) {
		rc = sqlite_exec_plain(sc, "CREATE TEMPORARY TABLE IF NOT EXISTS load_search"
				       " (id INTEGER PRIMARY KEY, text TEXT, del INTEGER NOT NULL)");
		c->load_index = rc == STORE_OK;
	}
	/* Off: built again inside the transaction; after a rollback they are back already. */
	bool in_tx = !sqlite3_get_autocommit(c->db);
	if (!on && c->load_index) {
		c->load_index = false;
		if (in_tx && rc == STORE_OK)
			rc = load_index_flush(sc);
		/* (after a rollback that took the table's creation with it, nothing to drop) */
		if (rc == STORE_OK)
			rc = sqlite_exec_plain(sc, "DROP TABLE IF EXISTS temp.load_search");
	}
	for (int i = 0; !on && i < SQLITE_LOAD_DEFERRED; i++) {
		if (c->load_deferred[i] && in_tx && rc == STORE_OK)
			rc = sqlite_exec_plain(sc, c->load_deferred[i]);
		free(c->load_deferred[i]);
		c->load_deferred[i] = NULL;
	}
	return rc;
}
