/* Unit tests for domain/lookup.c: a household by its number as people type it (spaces,
 * full-width digits), a person by ID number (lower-case x, the old 15-digit form), a
 * household's card for a form, and the scope: a household or person of another community
 * is not found, exactly as one that does not exist. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>

#include "core/idnumber.h"
#include "domain/household.h"
#include "domain/lookup.h"
#include "store/store.h"
#include "tests/unit/testdb.h"

#define TUANSHAN "520628002030"
#define YUCAI "520628002031"

static int64_t hh_mine, hh_other, head_mine, head_other;
static char number_mine[40], number_other[40], id_mine[19], id_old[16];

/* A household moving to `dest` whose head's ID number is 52062819800101SSS + check (or,
 * with `old`, a 15-digit number of 1980 upgraded by the registry). */
static int64_t make_household(struct testdb *t, const char *dest, const char *id_number,
			      int64_t *head, char number[40])
{
	json_t *out = NULL, *body = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}",
		"category", "registered_poor", "origin_village", "520628118201", "dest_community",
		dest, "status", "settled", "members", "id_number", id_number, "name", "石珍珍",
		"relation", "head");
	testdb_reset(t);
	enum outcome res = household_create(&t->cx, body, &out);
	int64_t id = res == OUT_OK ? json_integer_value(json_object_get(out, "id")) : 0;
	*head = json_integer_value(json_object_get(json_array_get(json_object_get(out, "members"), 0), "id"));
	snprintf(number, 40, "%s", res == OUT_OK ? json_string_value(json_object_get(out, "number")) : "");
	json_decref(body);
	json_decref(out);
	return id;
}

static int setup(void **state)
{
	if (testdb_setup(state))
		return -1;
	struct testdb *t = *state;
	snprintf(id_mine, sizeof(id_mine), "52062819800101021");
	id_mine[17] = 'X';	/* a number whose check character is X: find its sequence */
	for (int s = 21; s < 999; s += 2) {
		char first[18];
		snprintf(first, sizeof(first), "52062819800101%03d", s);
		if (idnumber_check_char(first) == 'X') {
			snprintf(id_mine, sizeof(id_mine), "%sX", first);
			break;
		}
	}
	snprintf(id_old, sizeof(id_old), "520628800101013");	/* 15 digits: 1980-01-01, 013 */
	hh_mine = make_household(t, TUANSHAN, id_mine, &head_mine, number_mine);
	hh_other = make_household(t, YUCAI, id_old, &head_other, number_other);
	return hh_mine && hh_other && id_mine[17] == 'X' ? 0 : -1;
}

static void act_in(struct testdb *t, const char *scope)
{
	testdb_reset(t);
	actor_system(&t->actor);
	t->actor.role = ROLE_COMMUNITY;
	snprintf(t->actor.scope, sizeof(t->actor.scope), "%s", scope);
}

/* Numbers as typed: spaces around (also the ideographic space), full-width digits and
 * letters; nothing left is no number. */
static void numbers_are_cleaned_as_typed(void **state)
{
	(void)state;
	char out[40];
	assert_true(lookup_clean("  5206280010010001 ", out, sizeof(out)));
	assert_string_equal(out, "5206280010010001");
	assert_true(lookup_clean("\xe3\x80\x80\xef\xbc\x95\xef\xbc\x92\xef\xbc\x90\xef\xbd\x98-\xef\xbc\xa1\xef\xbc\x8d" "1", out,
				 sizeof(out)));	/* "　５２０ｘ-Ａ－1" */
	assert_string_equal(out, "520x-A-1");
	assert_false(lookup_clean(" \xe3\x80\x80 ", out, sizeof(out)));
	assert_false(lookup_clean(NULL, out, sizeof(out)));
	assert_false(lookup_clean("123456789", out, 5));	/* does not fit */
}

static void a_household_by_its_number(void **state)
{
	struct testdb *t = *state;
	int64_t id = -1;
	act_in(t, "");
	assert_int_equal(lookup_household(&t->cx, number_mine, &id), OUT_OK);
	assert_int_equal(id, hh_mine);
	char typed[200], *p = typed;
	p += snprintf(p, sizeof(typed), " ");
	for (const char *c = number_mine; *c; c++)	/* every digit full-width */
		p += snprintf(p, sizeof(typed) - (size_t)(p - typed), "\xef\xbc%c", (char)(0x90 + (*c - '0')));
	snprintf(p, sizeof(typed) - (size_t)(p - typed), "\xe3\x80\x80");
	assert_int_equal(lookup_household(&t->cx, typed, &id), OUT_OK);
	assert_int_equal(id, hh_mine);
	assert_int_equal(lookup_household(&t->cx, "5206289999999999", &id), OUT_NOT_FOUND);
	assert_int_equal(id, 0);
	assert_int_equal(lookup_household(&t->cx, "", &id), OUT_NOT_FOUND);
	/* a prefix is no number: exact only */
	char part[40];
	snprintf(part, sizeof(part), "%.*s", (int)strlen(number_mine) - 1, number_mine);
	assert_int_equal(lookup_household(&t->cx, part, &id), OUT_NOT_FOUND);
}

static void a_person_by_id_number(void **state)
{
	struct testdb *t = *state;
	int64_t id = -1, hh = -1;
	act_in(t, "");
	char lower[19];
	snprintf(lower, sizeof(lower), "%s", id_mine);
	lower[17] = 'x';
	assert_int_equal(lookup_person(&t->cx, lower, &id, &hh), OUT_OK);
	assert_int_equal(id, head_mine);
	assert_int_equal(hh, hh_mine);
	assert_int_equal(lookup_person(&t->cx, id_old, &id, &hh), OUT_OK);	/* the old form */
	assert_int_equal(id, head_other);
	assert_int_equal(lookup_person(&t->cx, "52062819800101999", &id, &hh), OUT_NOT_FOUND);
	assert_int_equal(lookup_person(&t->cx, "not a number", &id, &hh), OUT_NOT_FOUND);
	assert_int_equal(id, 0);
}

/* Another community's household and people are not found, as ones that do not exist. */
static void outside_the_scope_is_not_found(void **state)
{
	struct testdb *t = *state;
	int64_t id = -1, hh = -1;
	json_t *card = NULL;
	act_in(t, TUANSHAN);
	assert_int_equal(lookup_household(&t->cx, number_mine, &id), OUT_OK);
	assert_int_equal(lookup_household(&t->cx, number_other, &id), OUT_NOT_FOUND);
	assert_int_equal(lookup_person(&t->cx, id_old, &id, &hh), OUT_NOT_FOUND);
	assert_int_equal(lookup_person(&t->cx, id_mine, &id, &hh), OUT_OK);
	assert_int_equal(lookup_household_card(&t->cx, hh_other, &card), OUT_NOT_FOUND);
	assert_null(card);
	act_in(t, YUCAI);
	assert_int_equal(lookup_household(&t->cx, number_other, &id), OUT_OK);
	assert_int_equal(id, hh_other);
	assert_int_equal(lookup_household(&t->cx, number_mine, &id), OUT_NOT_FOUND);
}

/* A form's card: the number and the members to pick from, with no ID number or phone. */
static void a_household_card_for_a_form(void **state)
{
	struct testdb *t = *state;
	json_t *card = NULL;
	act_in(t, TUANSHAN);
	assert_int_equal(lookup_household_card(&t->cx, hh_mine, &card), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(card, "number")), number_mine);
	json_t *members = json_object_get(card, "members"), *m = json_array_get(members, 0);
	assert_int_equal(json_array_size(members), 1);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), head_mine);
	assert_string_equal(json_string_value(json_object_get(m, "relation")), "head");
	assert_null(json_object_get(m, "id_number"));
	assert_null(json_object_get(m, "phone"));
	json_decref(card);
	assert_true(lookup_is_member(&t->cx, hh_mine, head_mine));
	assert_false(lookup_is_member(&t->cx, hh_mine, head_other));
	assert_false(lookup_item_of(&t->cx, 999999, hh_mine));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_are_cleaned_as_typed),
		cmocka_unit_test(a_household_by_its_number),
		cmocka_unit_test(a_person_by_id_number),
		cmocka_unit_test(outside_the_scope_is_not_found),
		cmocka_unit_test(a_household_card_for_a_form),
	};
	return cmocka_run_group_tests(tests, setup, testdb_teardown);
}
