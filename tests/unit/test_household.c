/* Unit tests for domain/household.c, person.c and report.c through their C interfaces. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>

#include "core/idnumber.h"
#include "domain/archive.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/report.h"
#include "tests/unit/testdb.h"

/* A valid Songtao ID number for a birth date and sequence. */
static const char *make_id(char out[19], const char *yyyymmdd, int seq)
{
	char first17[32];
	snprintf(first17, sizeof(first17), "520628%.8s%03d", yyyymmdd, (seq % 1000 + 1000) % 1000);
	memcpy(out, first17, 17);
	out[17] = idnumber_check_char(first17);
	out[18] = '\0';
	return out;
}

static json_t *household_body(const char *village, const char *head_id, const char *child_id)
{
	return json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}",
		"category", "registered_poor", "origin_village", village, "dest_community",
		"520628002030", "members",
		"id_number", head_id, "name", "张伟", "relation", "head",
		"id_number", child_id, "name", "张小明", "relation", "son");
}

static const char *first_code(struct testdb *t, const char *field)
{
	for (int i = 0; i < t->errs.n; i++)
		if (strcmp(t->errs.items[i].field, field) == 0)
			return t->errs.items[i].code;
	return NULL;
}

static void create_get_patch_close(void **state)
{
	struct testdb *t = *state;
	char a[19], b[19], etag[48];
	json_t *out = NULL, *got = NULL;
	testdb_reset(t);
	json_t *body = household_body("520628118201", make_id(a, "19800101", 11),
				      make_id(b, "20100505", 13));
	assert_int_equal(household_create(&t->cx, body, &out), OUT_OK);
	json_decref(body);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	assert_int_equal(json_array_size(json_object_get(out, "members")), 2);
	assert_string_equal(json_string_value(json_object_get(out, "head_name")), "张伟");
	assert_string_equal(json_string_value(json_object_get(out, "origin_town")), "520628118");
	household_etag(out, etag);
	json_decref(out);

	/* a stale or missing ETag changes nothing */
	json_t *patch = json_pack("{s:s}", "phone", "13800000000");
	assert_int_equal(household_patch(&t->cx, id, NULL, patch, &out), OUT_PRECONDITION_REQUIRED);
	assert_int_equal(household_patch(&t->cx, id, "\"h1-99\"", patch, &out), OUT_PRECONDITION_FAILED);
	assert_int_equal(household_patch(&t->cx, id, etag, patch, &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "phone")), "13800000000");
	json_decref(out);
	json_decref(patch);
	assert_int_equal(household_get(&t->cx, id, &got), OUT_OK);
	assert_int_equal(json_integer_value(json_object_get(got, "version")), 2);
	json_decref(got);

	/* one skeleton for every change under an ETag: "*" is any version, missing is 428,
	 * stale is 412, a body that is not an object is 422, an unknown record 404 */
	assert_int_equal(household_get(&t->cx, id, &got), OUT_OK);
	int64_t person = json_integer_value(json_object_get(json_array_get(
		json_object_get(got, "members"), 0), "id"));
	json_decref(got);
	patch = json_pack("{s:s}", "note", "any version");
	assert_int_equal(household_patch(&t->cx, id, "*", patch, &out), OUT_OK);
	json_decref(out);
	assert_int_equal(person_patch(&t->cx, person, NULL, patch, &out), OUT_PRECONDITION_REQUIRED);
	assert_int_equal(person_patch(&t->cx, person, "\"p1-99\"", patch, &out), OUT_PRECONDITION_FAILED);
	assert_int_equal(household_patch(&t->cx, id + 1000, "*", patch, &out), OUT_NOT_FOUND);
	json_decref(patch);
	patch = json_pack("{s:s}", "phone", "13800000001");
	assert_int_equal(person_patch(&t->cx, person, "*", patch, &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "phone")), "13800000001");
	assert_string_equal(json_string_value(json_object_get(out, "name")), "张伟");	/* kept */
	json_decref(out);
	json_decref(patch);
	patch = json_array();
	assert_int_equal(person_patch(&t->cx, person, "*", patch, &out), OUT_INVALID);
	assert_int_equal(archive_item_patch(&t->cx, 1, "*", patch, &out), OUT_INVALID);
	json_decref(patch);
	t->errs.n = 0;

	json_t *close = json_pack("{s:s}", "reason", "merged");
	assert_int_equal(household_close(&t->cx, id, close, &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "closed");
	json_decref(out);
	json_decref(close);
}

/* One UPDATE for a person's fields, from the PATCH (null clears, a name moves its pinyin
 * along) and from person_update_fields (what is given changes, the rest stays). */
static void one_update_for_a_persons_fields(void **state)
{
	struct testdb *t = *state;
	char a[19], b[19];
	json_t *out = NULL;
	int rc;
	testdb_reset(t);
	json_t *body = household_body("520628118201", make_id(a, "19810202", 21),
				      make_id(b, "20110606", 23));
	assert_int_equal(household_create(&t->cx, body, &out), OUT_OK);
	json_decref(body);
	int64_t person = json_integer_value(json_object_get(json_array_get(
		json_object_get(out, "members"), 1), "id"));
	json_decref(out);
	json_t *patch = json_pack("{s:s, s:s}", "name", "王小明", "phone", "13800000002");
	assert_int_equal(person_patch(&t->cx, person, "*", patch, &out), OUT_OK);
	json_decref(patch);
	json_decref(out);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM persons WHERE id = ? AND"
		" name_pinyin LIKE '%wang%' AND phone = '13800000002'", "i", person), 1);
	patch = json_pack("{s:n}", "phone");
	assert_int_equal(person_patch(&t->cx, person, "*", patch, &out), OUT_OK);
	json_decref(patch);
	json_decref(out);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM persons WHERE id = ? AND"
		" phone IS NULL AND name = '王小明'", "i", person), 1);
	int64_t version = store_one_int(t->db, &rc, "SELECT version FROM persons WHERE id = ?", "i",
					person);
	struct person_in p = {.name = "李小红", .health = "healthy"};
	testdb_reset(t);
	assert_int_equal(store_begin(t->db), STORE_OK);
	assert_int_equal(person_update_fields(&t->cx, person, &p), STORE_OK);
	assert_int_equal(store_commit(t->db), STORE_OK);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM persons WHERE id = ? AND"
		" name = '李小红' AND name_pinyin LIKE '%li%' AND health = 'healthy' AND phone IS NULL"
		" AND relation IS NOT NULL AND version = ?", "ii", person, version + 1), 1);
}

/* Numbers are given out by the village's counter (household_numbers): past 9,999 they go
 * on with five digits in one step each, and a number someone typed is skipped. */
static void numbers_go_on_past_four_digits(void **state)
{
	struct testdb *t = *state;
	const char *village = "520628118201";
	int rc;
	testdb_reset(t);
	assert_int_equal(store_exec(t->db, "INSERT INTO household_numbers (village, last)"
				    " VALUES (?, 9998) ON CONFLICT (village) DO UPDATE SET last = 9998", "t", village),
			 STORE_OK);
	const char *want[] = {"5206281182019999", "52062811820110000", "52062811820110002"};
	for (int i = 0; i < 3; i++) {
		char a[19], b[19];
		json_t *out = NULL;
		json_t *body = household_body(village, make_id(a, "19700101", 200 + 2 * i),
					      make_id(b, "20000101", 201 + 2 * i));
		if (i == 2) {	/* someone typed the next number by hand */
			json_t *typed = household_body(village, make_id(a, "19710101", 300),
						       make_id(b, "20010101", 301));
			json_object_set_new(typed, "number", json_string("52062811820110001"));
			testdb_reset(t);
			assert_int_equal(household_create(&t->cx, typed, &out), OUT_OK);
			json_decref(typed);
			json_decref(out);
			out = NULL;
		}
		testdb_reset(t);
		assert_int_equal(household_create(&t->cx, body, &out), OUT_OK);
		assert_string_equal(json_string_value(json_object_get(out, "number")), want[i]);
		json_decref(body);
		json_decref(out);
	}
	assert_int_equal(store_one_int(t->db, &rc, "SELECT last FROM household_numbers"
				       " WHERE village = ?", "t", village), 10002);
}

static void bad_members_are_all_reported(void **state)
{
	struct testdb *t = *state;
	char a[19];
	json_t *out = NULL;
	testdb_reset(t);
	make_id(a, "19800101", 21);
	json_t *body = household_body("520628118201", a, a);	/* same number twice */
	json_object_set_new(json_array_get(json_object_get(body, "members"), 1), "gender",
			    json_string("female"));
	assert_int_equal(household_create(&t->cx, body, &out), OUT_INVALID);
	assert_string_equal(first_code(t, "members[1].id_number"), "id_number_duplicate");
	json_decref(body);

	testdb_reset(t);
	body = household_body("520628999999", "52062819800101002", a);
	assert_int_equal(household_create(&t->cx, body, &out), OUT_INVALID);
	assert_string_equal(first_code(t, "origin_village"), "unknown_division");
	assert_string_equal(first_code(t, "members[0].id_number"), "id_number_length");
	json_decref(body);
	int rc;
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM persons WHERE id_number = ?",
				       "t", a), 0);

	/* a member's name with a character that does not show (a zero-width space) or a
	 * bidirectional control: refused, nothing stored */
	const char *hidden[] = {"吴\u200b晓梅", "\u202e吴晓梅"}, *code[] = {"name_invisible", "name_bidi"};
	for (int i = 0; i < 2; i++) {
		testdb_reset(t);
		char b[19];
		body = household_body("520628118201", make_id(a, "19800101", 21),
				      make_id(b, "20100505", 23));
		json_object_set_new(json_array_get(json_object_get(body, "members"), 0), "name",
				    json_string(hidden[i]));
		assert_int_equal(household_create(&t->cx, body, &out), OUT_INVALID);
		assert_string_equal(first_code(t, "members[0].name"), code[i]);
		json_decref(body);
		assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM persons"
					       " WHERE id_number = ? OR id_number = ?", "tt", a, b), 0);
	}
}

static void scope_hides_other_towns(void **state)
{
	struct testdb *t = *state;
	char a[19], b[19];
	json_t *out = NULL;
	testdb_reset(t);
	json_t *body = household_body("520628118203", make_id(a, "19700101", 31),
				      make_id(b, "20000101", 33));
	assert_int_equal(household_create(&t->cx, body, &out), OUT_OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);

	struct actor other = t->actor;
	snprintf(other.scope, sizeof(other.scope), "520628101");	/* 盘石镇 */
	other.role = ROLE_TOWN;
	t->cx.actor = &other;
	assert_int_equal(household_get(&t->cx, id, &out), OUT_NOT_FOUND);
	snprintf(other.scope, sizeof(other.scope), "520628002");	/* destination town */
	assert_int_equal(household_get(&t->cx, id, &out), OUT_OK);
	json_decref(out);
	t->cx.actor = &t->actor;
}

static void report_counts_records(void **state)
{
	struct testdb *t = *state;
	json_t *r = NULL;
	int rc;
	testdb_reset(t);
	assert_int_equal(report_county(&t->cx, &r), OUT_OK);
	int64_t persons = store_one_int(t->db, &rc, "SELECT count(*) FROM persons p JOIN households h"
		" ON h.id = p.household_id WHERE p.status = 'member' AND h.status <> 'closed'", NULL);
	assert_int_equal(json_integer_value(json_object_get(r, "persons")), persons);
	json_decref(r);
}

/* Fails the 1st, 2nd, ... storage call of a household creation until it succeeds; every
 * failed attempt must leave no row behind, no open transaction, and a sound database. */
static void storage_failures_leave_nothing_behind(void **state)
{
	struct testdb *t = *state;
	char a[19], b[19];
	int rc, n;
	make_id(a, "19660606", 41);
	make_id(b, "19990909", 43);
	int64_t before = store_one_int(t->db, &rc, "SELECT (SELECT count(*) FROM households) +"
		" (SELECT count(*) FROM persons) + (SELECT count(*) FROM member_events) +"
		" (SELECT count(*) FROM audit) + (SELECT count(*) FROM search_index)", NULL);
	for (n = 1; n < 500; n++) {
		json_t *out = NULL, *body = household_body("520628118201", a, b);
		testdb_reset(t);
		store_fault_inject(n);
		enum outcome res = household_create(&t->cx, body, &out);
		store_fault_inject(0);
		json_decref(body);
		assert_int_equal(t->db->tx_depth, 0);
		if (res == OUT_OK) {
			print_message("household creation succeeded at storage call %d\n", n);
			json_decref(out);
			break;
		}
		int64_t now = store_one_int(t->db, &rc, "SELECT (SELECT count(*) FROM households) +"
			" (SELECT count(*) FROM persons) + (SELECT count(*) FROM member_events) +"
			" (SELECT count(*) FROM audit) + (SELECT count(*) FROM search_index)", NULL);
		assert_int_equal(now, before);
	}
	assert_true(n > 10);	/* the creation really went through many storage calls */
	assert_true(n < 500);
	struct store_rows *r = store_query(t->db, "PRAGMA integrity_check", NULL);
	assert_true(store_next(r));
	assert_string_equal(store_text(r, 0), "ok");
	store_finish(r);
}

/* A refused creation that found an ID number taken is audited after its rollback (issue
 * 9): under a failure at any storage call it is either refused as invalid with exactly one
 * id_probe row, or fails whole with nothing written at all. */
static void probe_audit_survives_storage_failures(void **state)
{
	struct testdb *t = *state;
	char a[19], b[19], c[19];
	int rc, n;
	json_t *out = NULL, *body = household_body("520628118201", make_id(a, "19770707", 51),
						   make_id(b, "20080808", 53));
	testdb_reset(t);
	assert_int_equal(household_create(&t->cx, body, &out), OUT_OK);
	json_decref(body);
	json_decref(out);
	const char *rows = "SELECT (SELECT count(*) FROM households) + (SELECT count(*) FROM persons)"
		" + (SELECT count(*) FROM member_events) + (SELECT count(*) FROM search_index)";
	int64_t before = store_one_int(t->db, &rc, rows, NULL);
	int64_t audit = store_one_int(t->db, &rc, "SELECT count(*) FROM audit", NULL);
	int64_t probes = store_one_int(t->db, &rc, "SELECT count(*) FROM audit WHERE action = 'id_probe'", NULL);
	for (n = 1; n < 200; n++) {
		out = NULL;
		body = household_body("520628118201", a, make_id(c, "20090909", 55));
		testdb_reset(t);
		store_fault_inject(n);
		enum outcome res = household_create(&t->cx, body, &out);
		store_fault_inject(0);
		json_decref(body);
		assert_null(out);
		assert_int_equal(t->db->tx_depth, 0);
		assert_int_equal(store_one_int(t->db, &rc, rows, NULL), before);
		int64_t now = store_one_int(t->db, &rc, "SELECT count(*) FROM audit", NULL);
		if (res == OUT_INVALID) {
			assert_int_equal(now, audit + 1);
			assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM audit WHERE"
				" action = 'id_probe'", NULL), probes + 1);
			break;
		}
		assert_int_equal(res, OUT_INTERNAL);
		assert_int_equal(now, audit);
	}
	print_message("probe refused as invalid at storage call %d\n", n);
	assert_true(n > 2 && n < 200);	/* the probe's own write was failed on the way */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_get_patch_close),
		cmocka_unit_test(one_update_for_a_persons_fields),
		cmocka_unit_test(numbers_go_on_past_four_digits),
		cmocka_unit_test(bad_members_are_all_reported),
		cmocka_unit_test(scope_hides_other_towns),
		cmocka_unit_test(report_counts_records),
		cmocka_unit_test(storage_failures_leave_nothing_behind),
		cmocka_unit_test(probe_audit_survives_storage_failures),
	};
	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
