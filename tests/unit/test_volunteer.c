/* Unit tests for the volunteer's scope (domain/actor.h, domain/volunteer.c): a volunteer
 * account's range covers no division, SCOPE_SQL admits the households assigned to it (one
 * by one or by building) and no other, in every query written with the macros (a household
 * by id, the list, a member, a household's ledger, a petition of the household); with no
 * assignments it sees nothing; assignments outside the setter's scope are refused whole. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>

#include "core/idnumber.h"
#include "domain/household.h"
#include "domain/ledger.h"
#include "domain/person.h"
#include "domain/user.h"
#include "domain/volunteer.h"
#include "store/store.h"
#include "tests/unit/testdb.h"

#define TUANSHAN "520628002030"
#define YUCAI "520628002031"

static int64_t vol_id, idle_id, hh_mine, hh_building, hh_other, person_mine, building;

static int64_t make_household(struct testdb *t, const char *dest, int serial, int64_t *person)
{
	char a[19];
	snprintf(a, sizeof(a), "52062819800101%03d", serial);
	a[17] = idnumber_check_char(a);
	a[18] = '\0';
	json_t *out = NULL, *body = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}",
		"category", "registered_poor", "origin_village", "520628118201", "dest_community",
		dest, "status", "settled", "members", "id_number", a, "name", "张伟", "relation", "head");
	testdb_reset(t);
	enum outcome res = household_create(&t->cx, body, &out);
	int64_t id = res == OUT_OK ? json_integer_value(json_object_get(out, "id")) : 0;
	if (person)
		*person = json_integer_value(json_object_get(json_array_get(json_object_get(out,
			"members"), 0), "id"));
	json_decref(body);
	json_decref(out);
	return id;
}

static int64_t user_of(struct testdb *t, const char *name, const char *role, const char *scope)
{
	const char *err;
	testdb_reset(t);
	if (user_add(&t->cx, name, role, scope, "a long enough password", &err))
		return 0;
	json_t *u = user_find(&t->cx, 0, name);
	int64_t id = json_integer_value(json_object_get(u, "id"));
	json_decref(u);
	return id;
}

static int setup(void **state)
{
	if (testdb_setup(state))
		return -1;
	struct testdb *t = *state;
	vol_id = user_of(t, "vol", "volunteer", TUANSHAN);
	idle_id = user_of(t, "idle", "volunteer", TUANSHAN);
	hh_mine = make_household(t, TUANSHAN, 11, &person_mine);
	hh_other = make_household(t, TUANSHAN, 13, NULL);
	make_household(t, YUCAI, 15, NULL);
	/* a building of a site in 团山, with one household living in it */
	int rc = store_exec(t->db, "INSERT INTO sites(id, name, community_code) VALUES (1, '团山点',"
			    " ?)", "t", TUANSHAN);
	rc = rc ? rc : store_exec(t->db, "INSERT INTO buildings(id, site_id, name) VALUES (5, 1, '3栋')", "");
	rc = rc ? rc : store_exec(t->db, "INSERT INTO rooms(id, building_id, unit, number) VALUES"
				  " (50, 5, '1', '101')", "");
	building = 5;
	hh_building = make_household(t, TUANSHAN, 17, NULL);
	rc = rc ? rc : store_exec(t->db, "UPDATE households SET room_id = 50, site_id = 1 WHERE id = ?",
				  "i", hh_building);
	return rc == STORE_OK && vol_id && idle_id && hh_mine && hh_other && hh_building ? 0 : -1;
}

/* Acts as the account `id` of role volunteer. */
static void act_as_volunteer(struct testdb *t, int64_t id, const char *name)
{
	testdb_reset(t);
	memset(&t->actor, 0, sizeof(t->actor));
	t->actor.user_id = id;
	t->actor.role = ROLE_VOLUNTEER;
	snprintf(t->actor.username, sizeof(t->actor.username), "%s", name);
	snprintf(t->actor.scope, sizeof(t->actor.scope), "%s", TUANSHAN);
}

static void act_as_system(struct testdb *t)
{
	testdb_reset(t);
	actor_system(&t->actor);
}

static bool sees(struct testdb *t, int64_t household)
{
	json_t *h = NULL;
	enum outcome res = household_get(&t->cx, household, &h);
	json_decref(h);
	return res == OUT_OK;
}

static size_t listed(struct testdb *t)
{
	struct household_filter f = {.limit = 100};
	json_t *out = NULL;
	assert_int_equal(household_list(&t->cx, &f, &out), OUT_OK);
	size_t n = json_array_size(json_object_get(out, "items"));
	json_decref(out);
	return n;
}

/* The range of a volunteer is empty and names the account; no division is covered. */
static void a_volunteer_range_covers_no_division(void **state)
{
	struct testdb *t = *state;
	char lo[16], hi[17];
	act_as_volunteer(t, 42, "v42");
	actor_scope_range(&t->actor, lo, hi);
	assert_string_equal(lo, "~42");
	assert_string_equal(hi, "~42");
	assert_int_equal(actor_scope_assignee(lo), 42);
	assert_false(actor_covers(&t->actor, TUANSHAN));
	assert_true(role_can_visit(ROLE_VOLUNTEER) && !role_can_edit_registry(ROLE_VOLUNTEER));
	act_as_system(t);
	actor_scope_range(&t->actor, lo, hi);
	assert_int_equal(actor_scope_assignee(lo), 0);
	assert_int_equal(actor_scope_assignee("520628"), 0);
}

/* Without assignments a volunteer sees nothing, not even its own community's households. */
static void no_assignments_no_households(void **state)
{
	struct testdb *t = *state;
	act_as_volunteer(t, idle_id, "idle");
	assert_false(sees(t, hh_mine));
	assert_int_equal(listed(t), 0);
	json_t *p = person_load(&t->cx, person_mine);
	assert_null(p);
}

/* One household and one building: those households, by id, in the list, their members
 * and ledgers; the household next door does not exist. */
static void assignments_open_exactly_their_households(void **state)
{
	struct testdb *t = *state;
	act_as_system(t);
	json_t *out = NULL, *body = json_pack("{s:[I], s:[I], s:s}", "households",
		(json_int_t)hh_mine, "buildings", (json_int_t)building, "kind", "party_member");
	assert_int_equal(volunteer_assignments_put(&t->cx, vol_id, body, &out), OUT_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "reach")), 2);
	json_decref(out);
	json_decref(body);
	act_as_volunteer(t, vol_id, "vol");
	assert_true(sees(t, hh_mine));
	assert_true(sees(t, hh_building));
	assert_false(sees(t, hh_other));
	assert_int_equal(listed(t), 2);
	json_t *p = person_load(&t->cx, person_mine);
	assert_non_null(p);
	json_decref(p);
	const struct ledger *visits = ledger_find("visits", LEDGER_OF_HOUSEHOLD);
	assert_int_equal(ledger_list(&t->cx, visits, hh_mine, &out), OUT_OK);
	json_decref(out);
	assert_int_equal(ledger_list(&t->cx, visits, hh_other, &out), OUT_NOT_FOUND);
	/* a visit: the assigned household yes, the other 404 and nothing stored */
	body = json_pack("{s:s, s:s, s:s}", "date", "2026-01-02", "visitor", "志愿者", "found", "好");
	assert_int_equal(ledger_append(&t->cx, visits, hh_mine, body, &out), OUT_OK);
	json_decref(out);
	testdb_reset(t);
	assert_int_equal(ledger_append(&t->cx, visits, hh_other, body, &out), OUT_NOT_FOUND);
	json_decref(body);
	int rc;
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM visits WHERE household_id = ?",
				       "i", hh_other), 0);
	/* another volunteer's assignments are not this one's */
	act_as_volunteer(t, idle_id, "idle");
	assert_false(sees(t, hh_mine));
	assert_int_equal(volunteer_assignments_get(&t->cx, vol_id, &out), OUT_NOT_FOUND);
}

/* A household out of the setter's scope, or unknown, refuses the whole body. */
static void assignments_outside_the_setter_are_refused(void **state)
{
	struct testdb *t = *state;
	act_as_system(t);
	memset(&t->actor, 0, sizeof(t->actor));
	t->actor.user_id = 1;
	t->actor.role = ROLE_COMMUNITY;
	snprintf(t->actor.scope, sizeof(t->actor.scope), "%s", YUCAI);
	json_t *out = NULL, *body = json_pack("{s:[I]}", "households", (json_int_t)hh_other);
	assert_int_equal(volunteer_assignments_put(&t->cx, vol_id, body, &out), OUT_NOT_FOUND);
	json_decref(body);
	snprintf(t->actor.scope, sizeof(t->actor.scope), "%s", TUANSHAN);
	testdb_reset(t);
	body = json_pack("{s:[I, I]}", "households", (json_int_t)hh_other, (json_int_t)999999);
	assert_int_equal(volunteer_assignments_put(&t->cx, vol_id, body, &out), OUT_INVALID);
	assert_int_equal(t->errs.n, 1);
	json_decref(body);
	int rc;
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM volunteer_households"
				       " WHERE household_id = ?", "i", hh_other), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_volunteer_range_covers_no_division),
		cmocka_unit_test(no_assignments_no_households),
		cmocka_unit_test(assignments_open_exactly_their_households),
		cmocka_unit_test(assignments_outside_the_setter_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, testdb_teardown);
}
