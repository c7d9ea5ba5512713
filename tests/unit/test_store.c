/* Unit tests for store/: migrations, bound parameters, constraints, transactions, index. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/embedded.h"
#include "domain/division.h"
#include "store/store_sqlite.h"
#include "tests/unit/testdb.h"

extern const struct embedded_file sqlite_migrations[];

static void migrations_are_idempotent(void **state)
{
	struct testdb *t = *state;
	int applied = -1, rc;
	assert_int_equal(store_migrate(t->db, &applied), STORE_OK);
	assert_int_equal(applied, 0);
	assert_true(store_one_int(t->db, &rc, "SELECT count(*) FROM divisions", NULL) > 600);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM divisions WHERE code = ?",
				       "t", "520628002030"), 1);
}

static void values_are_bound_verbatim(void **state)
{
	struct testdb *t = *state;
	const char *evil = "x'); DROP TABLE users; --<script>";
	int rc;
	assert_int_equal(store_exec(t->db, "CREATE TEMP TABLE probe (v TEXT)", NULL), STORE_OK);
	assert_int_equal(store_exec(t->db, "INSERT INTO probe(v) VALUES (?)", "t", evil), STORE_OK);
	struct store_rows *r = store_query(t->db, "SELECT v FROM probe", NULL);
	assert_true(store_next(r));
	assert_string_equal(store_text(r, 0), evil);
	assert_int_equal(store_finish(r), STORE_OK);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM sqlite_master WHERE"
				       " name = 'users'", NULL), 1);
}

static void wrong_parameter_count_is_an_error(void **state)
{
	struct testdb *t = *state;
	assert_int_equal(store_exec(t->db, "SELECT ?, ?", "t", "only one"), STORE_ERROR);
}

static void constraints_and_rollback(void **state)
{
	struct testdb *t = *state;
	int rc;
	assert_int_equal(store_exec(t->db, "CREATE TEMP TABLE u (k TEXT UNIQUE)", NULL), STORE_OK);
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(store_begin(t->db), STORE_OK);	/* nested */
	assert_int_equal(store_exec(t->db, "INSERT INTO u VALUES (?)", "t", "a"), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);	/* inner: nothing yet */
	assert_int_equal(store_exec(t->db, "INSERT INTO u VALUES (?)", "t", "a"), STORE_CONSTRAINT);
	assert_int_equal(store_rollback(t->db), STORE_OK);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM u", NULL), 0);
}

static void name_index_finds_two_character_names(void **state)
{
	struct testdb *t = *state;
	struct store_hit hits[10];
	int n;
	assert_int_equal(store_index_put(t->db, STORE_DOC_PERSON, 1, "张伟"), STORE_OK);
	assert_int_equal(store_index_put(t->db, STORE_DOC_PERSON, 2, "张伟明"), STORE_OK);
	assert_int_equal(store_index_put(t->db, STORE_DOC_HOUSEHOLD, 1, "团山社区 白岩村"), STORE_OK);
	assert_int_equal(store_index_find(t->db, "张伟", 10, hits, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_index_find(t->db, "伟明", 10, hits, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].id, 2);
	assert_int_equal(hits[0].kind, STORE_DOC_PERSON);
	assert_int_equal(store_index_find(t->db, "团山", 10, hits, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].kind, STORE_DOC_HOUSEHOLD);
	/* query syntax in user input is just text */
	assert_int_equal(store_index_find(t->db, "\"张 OR *", 10, hits, &n), STORE_OK);
	/* a new document can be added without a lookup, and is found like the others */
	assert_int_equal(store_index_add(t->db, STORE_DOC_ITEM, 9, "搬迁协议 520628-2019-Y"), STORE_OK);
	assert_int_equal(store_index_find(t->db, "协议", 10, hits, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].kind, STORE_DOC_ITEM);
	assert_int_equal(hits[0].id, 9);
	/* replacing an entry removes the old text */
	assert_int_equal(store_index_put(t->db, STORE_DOC_PERSON, 1, "李娜"), STORE_OK);
	assert_int_equal(store_index_find(t->db, "张伟", 10, hits, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void backup_makes_a_readable_copy(void **state)
{
	struct testdb *t = *state;
	char dest[400], err[256];
	snprintf(dest, sizeof(dest), "%s/copy.db", t->dir);
	assert_int_equal(store_backup(t->db, dest, err, sizeof(err)), STORE_OK);
	struct store *s = store_open(dest, err, sizeof(err));
	struct store_conn *c = store_connect(s, err, sizeof(err));
	int rc;
	assert_true(store_one_int(c, &rc, "SELECT count(*) FROM divisions", NULL) > 600);
	store_disconnect(c);
	store_close(s);
}

/* A group commit: each operation's rollback undoes only its own writes, nothing shows on
 * another connection before the batch commits, and a failed operation's count starts at
 * its own begin. */
static void batch_operations_fail_alone(void **state)
{
	struct testdb *t = *state;
	char err[256];
	int rc;
	struct store_conn *other = store_connect(t->store, err, sizeof(err));
	assert_non_null(other);
	assert_int_equal(store_exec(t->db, "CREATE TABLE batch_probe (k TEXT UNIQUE)", NULL), STORE_OK);
	assert_int_equal(store_batch_begin(t->db), STORE_OK);
	const char *keys[] = {"first", "second", "third"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_begin(t->db), STORE_OK);
		assert_int_equal(store_begin(t->db), STORE_OK);	/* nested in the operation */
		assert_int_equal(store_exec(t->db, "INSERT INTO batch_probe VALUES (?)", "t", keys[i]),
				 STORE_OK);
		assert_int_equal(store_commit(t->db), STORE_OK);
		if (i == 1) {
			assert_int_equal(store_exec(t->db, "SELECT nonsense FROM batch_probe", NULL),
					 STORE_ERROR);
			assert_true(store_failed_in_tx(t->db));
			assert_int_equal(store_rollback(t->db), STORE_OK);
			/* the operation is over: its outer levels cannot commit the batch */
			assert_int_equal(store_commit(t->db), STORE_ERROR);
		} else {
			assert_false(store_failed_in_tx(t->db));	/* counted from this op */
			assert_int_equal(store_commit(t->db), STORE_OK);
		}
	}
	assert_int_equal(store_one_int(other, &rc, "SELECT count(*) FROM batch_probe", NULL), 0);
	assert_int_equal(store_batch_end(t->db), STORE_OK);
	assert_int_equal(t->db->tx_depth, 0);
	assert_int_equal(store_one_int(other, &rc, "SELECT count(*) FROM batch_probe", NULL), 2);
	assert_int_equal(store_one_int(other, &rc, "SELECT count(*) FROM batch_probe WHERE k = ?",
				       "t", "second"), 0);
	store_disconnect(other);
}

/* A failure's cause is kept for the log line of the 500 it becomes: the first one since
 * the operation began, in the backend's words, and forgotten when the next one begins. */
static void the_first_failure_says_why(void **state)
{
	struct testdb *t = *state;
	store_operation_start(t->db);
	assert_null(store_failure(t->db));
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_not_equal(store_exec(t->db, "INSERT INTO no_such_table VALUES (1)", NULL), STORE_OK);
	store_fault_inject(1);
	assert_null(store_query(t->db, "SELECT 1", NULL));
	assert_non_null(store_failure(t->db));
	assert_non_null(strstr(store_failure(t->db), "no_such_table"));
	store_rollback(t->db);
	store_operation_start(t->db);
	assert_null(store_failure(t->db));
	store_fault_inject(1);
	assert_null(store_query(t->db, "SELECT 1", NULL));
	assert_string_equal(store_failure(t->db), "injected fault");
	store_operation_start(t->db);
}

/* store_load: inside a write transaction the indexes only searches read are dropped and
 * built again when the load ends, over every row, the load's included; a rollback (as after
 * a process killed halfway) brings them back as they were, and ending the load after it
 * builds nothing twice. */
static void a_load_rebuilds_its_indexes_and_a_rollback_keeps_them(void **state)
{
	struct testdb *t = *state;
	int rc;
	const char *count = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN"
		" ('persons_id_reversed', 'persons_initials', 'persons_pinyin', 'persons_name',"
		" 'persons_phone', 'persons_followup')";
	assert_int_equal(store_one_int(t->db, &rc, count, NULL), 6);

	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(store_load(t->db, true, true), STORE_OK);
	assert_int_equal(store_one_int(t->db, &rc, count, NULL), 0);
	assert_int_equal(store_rollback(t->db), STORE_OK);
	assert_int_equal(store_load(t->db, false, false), STORE_OK);
	assert_int_equal(store_one_int(t->db, &rc, count, NULL), 6);

	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(store_load(t->db, true, true), STORE_OK);
	assert_int_equal(store_exec(t->db, "INSERT INTO households (number, category, status,"
		" origin_village, created_at, updated_at) VALUES ('5206281162040001',"
		" 'registered_poor', 'planned', '520628116204', 'now', 'now')", NULL), STORE_OK);
	int64_t hid = store_last_id(t->db);
	assert_int_equal(store_exec(t->db, "INSERT INTO persons (household_id, id_number,"
		" id_reversed, name, name_initials, name_pinyin, gender, birth_date, relation,"
		" created_at, updated_at) VALUES (?, '520628197001010117', '711010107918260250',"
		" '欧阳', 'oy', 'ouyang', 'male', '1970-01-01', 'head', 'now', 'now')", "i", hid),
		STORE_OK);
	assert_int_equal(store_load(t->db, false, false), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);
	assert_int_equal(store_one_int(t->db, &rc, count, NULL), 6);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM persons INDEXED BY"
				       " persons_pinyin WHERE name_pinyin = ?", "t", "ouyang"), 1);
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(store_exec(t->db, "DELETE FROM persons WHERE household_id = ?", "i", hid),
			 STORE_OK);
	assert_int_equal(store_exec(t->db, "DELETE FROM households WHERE id = ?", "i", hid),
			 STORE_OK);
}

/* store_query_rows: one statement for many rows, its values bound (a quote stays a
 * quote), prepared once per row count; too many values or no rows is a failed statement. */
static void many_rows_in_one_statement(void **state)
{
	struct testdb *t = *state;
	int rc;
	assert_int_equal(store_exec(t->db, "CREATE TEMP TABLE rows3 (id INTEGER PRIMARY KEY,"
				    " n INTEGER, v TEXT)", NULL), STORE_OK);
	int64_t n[3] = {1, 2, 3};
	const void *values[6] = {&n[0], "a'); DROP TABLE rows3; --", &n[1], NULL, &n[2], "c"};
	for (int round = 0; round < 2; round++) {
		struct store_rows *q = store_query_rows(t->db, "INSERT INTO rows3 (n, v)", "it", 3,
							values, NULL);
		assert_non_null(q);
		while (store_next(q))
			;
		assert_int_equal(store_finish(q), STORE_OK);
	}
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM rows3", NULL), 6);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM rows3 WHERE v IS NULL"
				       " AND n = 2", NULL), 2);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM rows3 WHERE v ="
				       " 'a''); DROP TABLE rows3; --' AND n = 1", NULL), 2);
	struct store_rows *q = store_query_rows(t->db, "INSERT INTO rows3 (n, v)", "it", 1, values,
						" RETURNING n");
	assert_true(store_next(q));
	assert_int_equal(store_int(q, 0), 1);
	assert_int_equal(store_finish(q), STORE_OK);
	const void *many[1100] = {NULL};
	assert_null(store_query_rows(t->db, "INSERT INTO rows3 (n, v)", "it", 550, many, NULL));
	assert_null(store_query_rows(t->db, "INSERT INTO rows3 (n, v)", "it", 0, many, NULL));
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM rows3", NULL), 7);
	store_operation_start(t->db);
}

/* The statement cache (found by a hash index): the same SQL open twice at once gives two
 * cursors of their own; more texts than the cache holds still run, each its own answer. */
static void the_statement_cache_keeps_texts_apart(void **state)
{
	struct testdb *t = *state;
	const char *sql = "SELECT value FROM (SELECT 1 AS value UNION ALL SELECT 2) WHERE value >= ?"
			  " ORDER BY value";
	for (int round = 0; round < 3; round++) {
		struct store_rows *a = store_query(t->db, sql, "i", (int64_t)1);
		assert_true(store_next(a));
		struct store_rows *b = store_query(t->db, sql, "i", (int64_t)2);
		assert_true(store_next(b));
		assert_int_equal(store_int(b, 0), 2);
		assert_int_equal(store_int(a, 0), 1);
		assert_true(store_next(a));
		assert_int_equal(store_int(a, 0), 2);
		assert_false(store_next(b));
		assert_int_equal(store_finish(b), STORE_OK);
		assert_int_equal(store_finish(a), STORE_OK);
	}
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 300; i++) {
			char q[64];
			int rc;
			snprintf(q, sizeof(q), "SELECT %d + ?", i);
			assert_int_equal(store_one_int(t->db, &rc, q, "i", (int64_t)round), i + round);
			assert_int_equal(rc, STORE_OK);
		}
}

/* The names of the indexes and views of households, persons and member_events. */
static char *schema_of(struct store_conn *db)
{
	struct store_rows *r = store_query(db, "SELECT group_concat(type || ' ' || name, ', ')"
		" FROM (SELECT type, name FROM sqlite_master WHERE type IN ('index', 'view')"
		" AND (tbl_name IN ('households', 'persons', 'member_events')"
		" OR name IN ('checklist_missing', 'volunteer_reach')) ORDER BY type, name)", NULL);
	char *out = store_next(r) ? strdup(store_text(r, 0)) : NULL;
	store_finish(r);
	return out;
}

/* Migration 017 rebuilds households, persons and member_events (their CHECK lists as ORs):
 * a database made by the migrations before it keeps its rows, the rows referring to them,
 * its indexes and views, and its rules (a bad value and a dangling reference are refused
 * after it, foreign keys on again); a row referring to nothing stops it, nothing applied. */
static void an_old_database_migrates_through_017(void **state)
{
	struct testdb *t = *state;
	char err[256], path[400];
	int rc, applied = -1, loaded;
	snprintf(path, sizeof(path), "%s/old.db", t->dir);
	struct store *st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	struct store_conn *db = store_connect(st, err, sizeof(err));
	assert_non_null(db);
	sqlite3 *raw = ((struct sqlite_conn *)db)->db;
	assert_int_equal(store_exec(db, "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY,"
				    " applied_at TEXT NOT NULL)", NULL), STORE_OK);
	int before = 0;
	for (const struct embedded_file *m = sqlite_migrations; m->name; m++) {
		if (strcmp(m->name, "017") >= 0)
			continue;
		assert_int_equal(sqlite3_exec(raw, m->content, NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(store_exec(db, "INSERT INTO schema_migrations VALUES (?, 'then')",
					    "t", m->name), STORE_OK);
		before++;
	}
	assert_int_equal(before, 16);
	assert_int_equal(division_seed(db, &loaded), STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO households (id, number, category, status,"
		" origin_village, created_at, updated_at, next_item_no) VALUES (7, '5206281162040001',"
		" 'registered_poor', 'settled', '520628116204', 'then', 'then', 3)", NULL), STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO persons (id, household_id, id_number,"
		" id_reversed, name, name_initials, name_pinyin, gender, birth_date, relation,"
		" status, created_at, updated_at) VALUES (11, 7, '520628197001010117',"
		" '711010107918260250', '欧阳', 'oy', 'ouyang', 'male', '1970-01-01', 'head',"
		" 'deceased', 'then', 'then')", NULL), STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO member_events (person_id, household_id, kind,"
		" date, created_at) VALUES (11, 7, 'marriage_in', '2001-01-01', 'then')", NULL),
		STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO jobs (person_id, type, employer, start_date,"
		" created_at) VALUES (11, 'home', 'x', '2020-01-01', 'then')", NULL), STORE_OK);
	char *old_schema = schema_of(db);
	assert_non_null(old_schema);

	/* a membership event of a household nobody has: the migration refuses to commit */
	assert_int_equal(store_exec(db, "PRAGMA foreign_keys = OFF", NULL), STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO member_events (person_id, household_id, kind,"
		" date, created_at) VALUES (11, 99, 'birth', '2001-01-01', 'then')", NULL), STORE_OK);
	assert_int_equal(store_exec(db, "PRAGMA foreign_keys = ON", NULL), STORE_OK);
	assert_int_equal(store_migrate(db, &applied), STORE_ERROR);
	assert_int_equal(store_one_int(db, &rc, "SELECT count(*) FROM schema_migrations", NULL),
			 16);
	assert_non_null(strstr(old_schema, "view volunteer_reach"));
	assert_int_equal(store_one_int(db, &rc, "SELECT count(*) FROM sqlite_master WHERE"
		" name = 'persons' AND sql LIKE '%gender IN%'", NULL), 1);
	assert_int_equal(store_one_int(db, &rc, "PRAGMA foreign_keys", NULL), 1);
	assert_int_equal(store_exec(db, "DELETE FROM member_events WHERE household_id = 99", NULL),
			 STORE_OK);

	assert_int_equal(store_migrate(db, &applied), STORE_OK);
	assert_true(applied >= 1);
	assert_int_equal(store_one_int(db, &rc, "SELECT count(*) FROM sqlite_master WHERE"
		" name = 'persons' AND sql LIKE '%gender = ''male'' OR gender = ''female''%'", NULL), 1);
	assert_int_equal(store_one_int(db, &rc, "SELECT count(*) FROM sqlite_master WHERE"
		" name LIKE '%017' OR sql LIKE '%households_017%' OR sql LIKE '%persons_017%'", NULL), 0);
	assert_int_equal(store_one_int(db, &rc, "SELECT next_item_no FROM households WHERE id = 7"
		" AND status = 'settled'", NULL), 3);
	assert_int_equal(store_one_int(db, &rc, "SELECT count(*) FROM persons p JOIN jobs j"
		" ON j.person_id = p.id JOIN member_events e ON e.person_id = p.id"
		" WHERE p.id = 11 AND p.status = 'deceased' AND e.kind = 'marriage_in'", NULL), 1);
	char *new_schema = schema_of(db);
	assert_string_equal(new_schema, old_schema);
	char *fresh_schema = schema_of(t->db);
	assert_string_equal(new_schema, fresh_schema);
	free(old_schema);
	free(new_schema);
	free(fresh_schema);
	assert_int_equal(store_one_int(db, &rc, "SELECT count(*) FROM checklist_missing", NULL) > 0,
			 1);
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(store_one_int(db, &rc, "PRAGMA foreign_keys", NULL), 1);
	/* the rules hold: a value off each list, a reference to nothing */
	assert_int_equal(store_exec(db, "INSERT INTO member_events (person_id, household_id, kind,"
		" date, created_at) VALUES (11, 7, 'adopted', '2001-01-01', 'now')", NULL),
		STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "UPDATE persons SET status = 'gone' WHERE id = 11", NULL),
			 STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "UPDATE persons SET gender = 'other' WHERE id = 11", NULL),
			 STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "UPDATE households SET status = 'gone' WHERE id = 7", NULL),
			 STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "UPDATE households SET category = 'x' WHERE id = 7", NULL),
			 STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "INSERT INTO member_events (person_id, household_id, kind,"
		" date, created_at) VALUES (11, 99, 'birth', '2001-01-01', 'now')", NULL),
		STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "DELETE FROM households WHERE id = 7", NULL),
			 STORE_CONSTRAINT);
	assert_int_equal(store_exec(db, "UPDATE households SET status = 'closed' WHERE id = 7",
				    NULL), STORE_OK);
	store_disconnect(db);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_are_idempotent),
		cmocka_unit_test(values_are_bound_verbatim),
		cmocka_unit_test(wrong_parameter_count_is_an_error),
		cmocka_unit_test(constraints_and_rollback),
		cmocka_unit_test(name_index_finds_two_character_names),
		cmocka_unit_test(backup_makes_a_readable_copy),
		cmocka_unit_test(batch_operations_fail_alone),
		cmocka_unit_test(the_first_failure_says_why),
		cmocka_unit_test(a_load_rebuilds_its_indexes_and_a_rollback_keeps_them),
		cmocka_unit_test(an_old_database_migrates_through_017),
		cmocka_unit_test(many_rows_in_one_statement),
		cmocka_unit_test(the_statement_cache_keeps_texts_apart),
	};
	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
