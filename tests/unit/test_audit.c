/* Unit tests for domain/audit*.c and grant.c: change rows as patches, the hash chain and
 * its verification, the read-event queue, and a grant under storage failures. */
#include "tests/unit/cmocka_prelude.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/idnumber.h"
#include "domain/audit.h"
#include "domain/grant.h"
#include "domain/household.h"
#include "domain/ledger.h"
#include "domain/user.h"
#include "tests/unit/testdb.h"

static int64_t count(struct testdb *t, const char *sql)
{
	int rc;
	int64_t n = store_one_int(t->db, &rc, sql, NULL);
	assert_int_equal(rc, STORE_OK);
	return n;
}

static json_t *last_row(struct testdb *t)
{
	json_t *rows = audit_list(&t->cx, "household", 424242, 1, true);
	assert_non_null(rows);
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row;
}

static void changes_keep_only_what_differs(void **state)
{
	struct testdb *t = *state;
	testdb_reset(t);
	json_t *before = json_pack("{s:s, s:i, s:{s:s, s:s}, s:[i, i], s:s, s:s}", "note", "old",
		"version", 1, "origin", "code", "520628118201", "name", "聚宝村", "plots", 1, 2,
		"gone", "x", "same", "long unchanged text");
	json_t *after = json_pack("{s:s, s:i, s:{s:s, s:s}, s:[i, i], s:s, s:s}", "note", "new",
		"version", 2, "origin", "code", "520628118202", "name", "聚宝村", "plots", 1, 2,
		"added", "y", "same", "long unchanged text");
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(audit_write(&t->cx, "update", "household", 424242, before, after), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);
	json_t *row = last_row(t), *b = json_object_get(row, "before"), *a = json_object_get(row, "after");
	assert_string_equal(json_string_value(json_object_get(b, "note")), "old");
	assert_string_equal(json_string_value(json_object_get(a, "note")), "new");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "origin"), "code")),
			    "520628118202");
	assert_null(json_object_get(json_object_get(a, "origin"), "name"));	/* unchanged */
	assert_null(json_object_get(a, "plots"));
	assert_null(json_object_get(a, "same"));
	assert_true(json_is_null(json_object_get(a, "gone")));	/* removed: null */
	assert_string_equal(json_string_value(json_object_get(b, "gone")), "x");
	assert_true(json_is_null(json_object_get(b, "added")));
	json_decref(row);
	/* nothing changed: empty patches, still a row */
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(audit_write(&t->cx, "update", "household", 424242, after, after), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);
	row = last_row(t);
	assert_int_equal(json_object_size(json_object_get(row, "after")), 0);
	json_decref(row);
	json_decref(before);
	json_decref(after);
}

static void write_rows(struct testdb *t, int n)
{
	for (int i = 0; i < n; i++) {
		json_t *after = json_pack("{s:i}", "n", i);
		assert_int_equal(audit_write(&t->cx, "create", "site", i + 1, NULL, after), STORE_OK);
		json_decref(after);
	}
}

static void chain_names_the_first_broken_row(void **state)
{
	struct testdb *t = *state;
	struct audit_check chk;
	testdb_reset(t);
	write_rows(t, 5);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	assert_true(chk.checked >= 5);
	int64_t head = chk.head_id, mid = head - 2;
	/* an edited row names itself */
	assert_int_equal(store_exec(t->db, "UPDATE audit SET after = '{\"n\":99}' WHERE id = ?", "i", mid),
			 STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, mid);
	assert_int_equal(store_exec(t->db, "UPDATE audit SET after = '{\"n\":2}' WHERE id = ?", "i", mid),
			 STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	/* a row cut from the end after a verification recorded it: named as missing */
	assert_int_equal(store_exec(t->db, "CREATE TEMP TABLE keep AS SELECT * FROM audit WHERE id = ?",
				    "i", head), STORE_OK);
	assert_int_equal(store_exec(t->db, "DELETE FROM audit WHERE id = ?", "i", head), STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, head);
	assert_non_null(strstr(chk.reason, "missing"));
	assert_int_equal(store_exec(t->db, "INSERT INTO audit SELECT * FROM keep", NULL), STORE_OK);
	assert_int_equal(store_exec(t->db, "DROP TABLE keep", NULL), STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	/* the dashboard's line is the last verification */
	json_t *last = audit_chain_last_verification(&t->cx);
	assert_true(json_is_true(json_object_get(last, "intact")));
	json_decref(last);
}

static void read_events_are_queued_then_written_chained(void **state)
{
	struct testdb *t = *state;
	struct audit_check chk;
	testdb_reset(t);
	int64_t before = count(t, "SELECT count(*) FROM audit WHERE action = 'read'");
	for (int i = 0; i < AUDIT_BATCH + 10; i++)	/* more than one batch */
		audit_read(&t->cx, "read", "household", 424242, 1, NULL);
	assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE action = 'read'"), before);
	assert_int_equal(audit_reads_flush(t->db), STORE_OK);
	assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE action = 'read'"),
			 before + AUDIT_BATCH + 10);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	/* reads stay out of the change trail and out of lists without them */
	json_t *changes = audit_list(&t->cx, "household", 424242, 1000, false);
	size_t i;
	json_t *row;
	json_array_foreach(changes, i, row)
		assert_string_not_equal(json_string_value(json_object_get(row, "action")), "read");
	json_decref(changes);
}

/* Fails the 1st, 2nd, ... storage call of a grant until it succeeds: nothing is left of a
 * failed one (no grant, no audit row), and no transaction stays open. */
static void grant_storage_failures_leave_nothing_behind(void **state)
{
	struct testdb *t = *state;
	const char *err = NULL;
	char id17[18] = "52062819700101123", idn[19];
	testdb_reset(t);
	memcpy(idn, id17, 17);
	idn[17] = idnumber_check_char(id17);
	idn[18] = '\0';
	json_t *out = NULL, *body = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "category",
		"registered_poor", "origin_village", "520628118201", "dest_community", "520628002030",
		"members", "id_number", idn, "name", "张伟", "relation", "head");
	assert_int_equal(household_create(&t->cx, body, &out), OUT_OK);
	json_decref(body);
	const char *number = json_string_value(json_object_get(out, "number"));
	assert_int_equal(user_add(&t->cx, "faraway", "town", "520628101", "long-enough-pw", &err), 0);
	struct actor officer = t->actor;
	officer.user_id = count(t, "SELECT id FROM users WHERE username = 'faraway'");
	snprintf(officer.scope, sizeof(officer.scope), "520628101");
	t->cx.actor = &officer;
	int64_t base = count(t, "SELECT (SELECT count(*) FROM access_grants) + (SELECT count(*) FROM audit)");
	int n;
	for (n = 1; n < 100; n++) {
		json_t *g = NULL, *req = json_pack("{s:s, s:s}", "number", number, "reason", "家属来电");
		testdb_reset(t);
		store_fault_inject(n);
		enum outcome res = grant_create(&t->cx, req, 3, &g);
		store_fault_inject(0);
		json_decref(req);
		assert_int_equal(t->db->tx_depth, 0);
		if (res == OUT_OK) {
			assert_true(json_is_true(json_object_get(g, "live")));
			json_decref(g);
			break;
		}
		assert_null(g);
		assert_int_equal(count(t, "SELECT (SELECT count(*) FROM access_grants) +"
				       " (SELECT count(*) FROM audit)"), base);
	}
	assert_true(n > 3 && n < 100);
	/* the grant reads, and only inside a read snapshot */
	json_t *h = NULL;
	int64_t hid = json_integer_value(json_object_get(out, "id"));
	assert_int_equal(household_get(&t->cx, hid, &h), OUT_NOT_FOUND);
	assert_int_equal(store_begin_read(t->db), STORE_OK);
	assert_int_equal(household_get(&t->cx, hid, &h), OUT_OK);
	store_commit(t->db);
	json_decref(h);
	t->cx.actor = &t->actor;
	json_decref(out);
}


/* ---------------------------------------------------------------- forging the chain */

/* The canonical form as docs/decisions.md documents it, written again here from the
 * documentation (not shared with the code), as a forger would. */
static void canon_put(char *out, size_t cap, size_t *len, const char *text, bool is_int)
{
	if (!text)
		*len += (size_t)snprintf(out + *len, cap - *len, "-;");
	else if (is_int)
		*len += (size_t)snprintf(out + *len, cap - *len, "%s;", text);
	else
		*len += (size_t)snprintf(out + *len, cap - *len, "%zu:%s;", strlen(text), text);
	assert_true(*len < cap);
}

/* Recomputes the chain from row `from` on, keyed with `key` (NULL: unkeyed, the chain as
 * documented before the key), starting from the stored chain of the row before. Returns how
 * many rows' recomputed chain differs from the stored one; with `write`, stores them (the
 * forger with write access to the database file) and copies the new head to `head`. */
static int recompute(struct testdb *t, int64_t from, const unsigned char *key, bool write,
		     char head[65])
{
	enum { MAX = 64 };
	struct { int64_t id; char chain[65]; } rows[MAX];
	char prev[65] = "", canon[4096];
	int n = 0, differ = 0;
	struct store_rows *r = store_query(t->db, "SELECT chain FROM audit WHERE id = ?", "i",
					   from - 1);
	if (store_next(r))
		snprintf(prev, sizeof(prev), "%s", store_text(r, 0));
	assert_int_equal(store_finish(r), STORE_OK);
	r = store_query(t->db, "SELECT id, at, user_id, username, address, action, entity,"
			" entity_id, before, after, records, detail, chain FROM audit WHERE id >= ?"
			" ORDER BY id", "i", from);
	while (store_next(r)) {
		size_t len = 0;
		unsigned char h[32];
		assert_true(n < MAX);
		for (int col = 0; col < 12; col++)
			canon_put(canon, sizeof(canon), &len, store_null(r, col) ? NULL
				  : store_text(r, col), col == 0 || col == 2 || col == 7 || col == 10);
		crypto_generichash_state st;
		crypto_generichash_init(&st, key, key ? 32 : 0, sizeof(h));
		crypto_generichash_update(&st, (const unsigned char *)prev, strlen(prev));
		crypto_generichash_update(&st, (const unsigned char *)canon, len);
		crypto_generichash_final(&st, h, sizeof(h));
		rows[n].id = store_int(r, 0);
		sodium_bin2hex(rows[n].chain, sizeof(rows[n].chain), h, sizeof(h));
		differ += store_null(r, 12) || strcmp(store_text(r, 12), rows[n].chain) != 0;
		memcpy(prev, rows[n].chain, sizeof(prev));
		n++;
	}
	assert_int_equal(store_finish(r), STORE_OK);
	for (int i = 0; write && i < n; i++)
		assert_int_equal(store_exec(t->db, "UPDATE audit SET chain = ? WHERE id = ?", "ti",
					    rows[i].chain, rows[i].id), STORE_OK);
	if (head)
		memcpy(head, prev, 65);
	return differ;
}

static void read_key(struct testdb *t, unsigned char key[32])
{
	char path[400];
	snprintf(path, sizeof(path), "%s/data/audit.key", t->dir);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(key, 1, 32, f), 32);
	assert_int_equal(fgetc(f), EOF);	/* exactly 32 bytes */
	fclose(f);
}

static void the_key_file_is_private_and_kept(void **state)
{
	struct testdb *t = *state;
	char path[400], err[256];
	struct stat st;
	unsigned char key[32], again[32];
	snprintf(path, sizeof(path), "%s/data/audit.key", t->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	read_key(t, key);
	/* loaded again (the next start): the same key, so the rows written so far verify */
	write_rows(t, 3);
	snprintf(path, sizeof(path), "%s/data", t->dir);
	assert_int_equal(audit_chain_key_load(path, err, sizeof(err)), 0);
	read_key(t, again);
	assert_memory_equal(key, again, 32);
	struct audit_check chk;
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	snprintf(path, sizeof(path), "%s/data/audit.verified", t->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a key of the wrong length is refused, never used */
	char bad[400];
	snprintf(bad, sizeof(bad), "%s/short", t->dir);
	mkdir(bad, 0700);
	snprintf(path, sizeof(path), "%s/short/audit.key", t->dir);
	FILE *f = fopen(path, "wb");
	fputs("short", f);
	fclose(f);
	assert_int_equal(audit_chain_key_load(bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "32 bytes"));
}

static void a_forge_recomputing_the_unkeyed_chain_is_caught(void **state)
{
	struct testdb *t = *state;
	struct audit_check chk;
	unsigned char key[32];
	char head[65];
	write_rows(t, 8);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	int64_t last = chk.head_id, mid = last - 4;
	/* the forger's canonical form is the real one: with the key it reproduces every row */
	read_key(t, key);
	assert_int_equal(recompute(t, 1, key, false, NULL), 0);
	/* ...and the stored chains are not the unkeyed ones */
	assert_int_equal(recompute(t, 1, NULL, false, NULL), last);
	/* the forgery: edit a row, recompute every later chain unkeyed, move the recorded head */
	assert_int_equal(store_exec(t->db, "UPDATE audit SET after = '{\"n\":77}' WHERE id = ?",
				    "i", mid), STORE_OK);
	assert_int_equal(recompute(t, mid, NULL, true, head), 5);
	assert_int_equal(store_exec(t->db, "UPDATE audit_verifications SET head_chain = ?"
				    " WHERE head_id = ?", "ti", head, last), STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, mid);
	assert_non_null(strstr(chk.reason, "audit.key"));
	json_t *v = audit_chain_last_verification(&t->cx);
	assert_true(json_is_false(json_object_get(v, "intact")));
	json_decref(v);
}

static void cutting_the_newest_rows_and_the_verifications_is_caught(void **state)
{
	struct testdb *t = *state;
	struct audit_check chk;
	char path[400];
	write_rows(t, 6);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	int64_t last = chk.head_id;
	assert_int_equal(store_exec(t->db, "DELETE FROM audit WHERE id > ?", "i", last - 3),
			 STORE_OK);
	assert_int_equal(store_exec(t->db, "DELETE FROM audit_verifications", NULL), STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, last - 2);	/* the first row cut */
	assert_non_null(strstr(chk.reason, "audit.verified"));
	/* control: it is the anchor outside the database that caught it; without it the cut
	 * log verifies (the hole this closes) */
	snprintf(path, sizeof(path), "%s/data/audit.verified", t->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(store_exec(t->db, "DELETE FROM audit_verifications", NULL), STORE_OK);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	/* a damaged anchor stops the check rather than passing it */
	FILE *f = fopen(path, "w");
	fputs("2026-11-29T00:00:00Z many rows\n", f);
	fclose(f);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_INTERNAL);
	assert_non_null(strstr(chk.reason, "audit.verified"));
}

static void a_chain_made_with_another_key_names_the_first_row(void **state)
{
	struct testdb *t = *state;
	struct audit_check chk;
	char other[400], err[256];
	write_rows(t, 3);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	assert_int_equal(chk.broken_id, 0);
	/* the same database opened with another data folder's (new) key */
	snprintf(other, sizeof(other), "%s/other", t->dir);
	assert_int_equal(audit_chain_key_load(other, err, sizeof(err)), 0);
	assert_int_equal(audit_chain_verify(&t->cx, &chk), OUT_OK);
	int64_t first = count(t, "SELECT min(id) FROM audit");
	assert_int_equal(chk.broken_id, first);
	assert_non_null(strstr(chk.reason, "another key"));
	snprintf(other, sizeof(other), "%s/data", t->dir);
	assert_int_equal(audit_chain_key_load(other, err, sizeof(err)), 0);
}


/* One list of the log's entities: each once, none a ledger's (those come from the
 * descriptors), each named in both catalogues; the four with a per-record trail. */
static void every_audit_entity_is_listed_once_and_named(void **state)
{
	(void)state;
	int n = 0, trails = 0;
	for (const struct audit_entity *a = audit_entities; a->name; a++, n++) {
		char key[64];
		assert_ptr_equal(audit_entity_find(a->name), a);
		assert_false(ledger_is_entity(a->name));
		snprintf(key, sizeof(key), "entity_%s", a->name);
		if (!testdb_in_both_catalogues(key))
			fail_msg("message %s is missing from a catalogue", key);
		trails += a->trail;
	}
	for (int i = 0; ledgers[i]; i++) {
		char key[64];
		snprintf(key, sizeof(key), "entity_%s", ledgers[i]->entity);
		if (!testdb_in_both_catalogues(key))
			fail_msg("message %s is missing from a catalogue", key);
	}
	assert_true(n >= 20);
	assert_int_equal(trails, 4);
	assert_true(audit_entity_find("household")->trail && !audit_entity_find("search")->trail);
	assert_non_null(audit_entity_find("followup_rules"));
	assert_null(audit_entity_find("visit"));	/* a ledger's */
	assert_null(audit_entity_find("nothing"));
	assert_null(audit_entity_find(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(changes_keep_only_what_differs),
		cmocka_unit_test(chain_names_the_first_broken_row),
		cmocka_unit_test(read_events_are_queued_then_written_chained),
		cmocka_unit_test(grant_storage_failures_leave_nothing_behind),
		cmocka_unit_test(every_audit_entity_is_listed_once_and_named),
	};
	/* each on a fresh database, as each forges or cuts the log */
	const struct CMUnitTest keyed[] = {
		cmocka_unit_test_setup_teardown(the_key_file_is_private_and_kept, testdb_setup,
						testdb_teardown),
		cmocka_unit_test_setup_teardown(a_forge_recomputing_the_unkeyed_chain_is_caught,
						testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(cutting_the_newest_rows_and_the_verifications_is_caught,
						testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(a_chain_made_with_another_key_names_the_first_row,
						testdb_setup, testdb_teardown),
	};
	int failed = cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
	return failed + cmocka_run_group_tests_name("keyed", keyed, NULL, NULL);
}
