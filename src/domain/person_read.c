/* person_read: a person as JSON, a household's members, one person, the scoped list. */
#include "domain/person.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/record.h"

/* Columns every person query selects, in the order person_row_json reads them. */
#define PERSON_COLS "p.id, p.household_id, p.id_number, p.name, p.gender, p.birth_date," \
	" p.ethnicity, p.relation, p.education, p.health, p.labor_capacity, p.phone, p.status," \
	" p.version, p.created_at, p.updated_at"

static void set_text_or_null(json_t *o, const char *key, struct store_rows *r, int col)
{
	json_object_set_new(o, key, store_null(r, col) ? json_null() : json_string(store_text(r, col)));
}

static json_t *person_row_json(struct ctx *cx, struct store_rows *r)
{
	int y, m, d;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(store_int(r, 0)));
	json_object_set_new(o, "household_id", json_integer(store_int(r, 1)));
	json_object_set_new(o, "id_number", json_string(store_text(r, 2)));
	json_object_set_new(o, "name", json_string(store_text(r, 3)));
	json_object_set_new(o, "gender", json_string(store_text(r, 4)));
	json_object_set_new(o, "birth_date", json_string(store_text(r, 5)));
	if (date_parse(store_text(r, 5), &y, &m, &d))
		json_object_set_new(o, "age", json_integer(date_age(date_days(y, m, d), cx->today)));
	set_text_or_null(o, "ethnicity", r, 6);
	json_object_set_new(o, "relation", json_string(store_text(r, 7)));
	set_text_or_null(o, "education", r, 8);
	set_text_or_null(o, "health", r, 9);
	set_text_or_null(o, "labor_capacity", r, 10);
	set_text_or_null(o, "phone", r, 11);
	json_object_set_new(o, "status", json_string(store_text(r, 12)));
	json_object_set_new(o, "version", json_integer(store_int(r, 13)));
	json_object_set_new(o, "created_at", json_string(store_text(r, 14)));
	json_object_set_new(o, "updated_at", json_string(store_text(r, 15)));
	return o;
}

json_t *person_members_json(struct ctx *cx, int64_t household_id)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT " PERSON_COLS " FROM persons p"
		" WHERE p.household_id = ? AND p.status = 'member'"
		" ORDER BY p.relation <> 'head', p.birth_date, p.id", "i", household_id);
	while (store_next(r))
		json_array_append_new(arr, person_row_json(cx, r));
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *person_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	json_t *o = NULL;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT " PERSON_COLS " FROM persons p"
		" JOIN households h ON h.id = p.household_id WHERE p.id = ? AND " READ_SCOPE_SQL,
		"i" READ_SCOPE_TYPES, id, READ_SCOPE_ARGS(cx, lo, hi));
	if (store_next(r))
		o = person_row_json(cx, r);
	store_finish(r);
	return o;
}

void person_etag(json_t *person, char out[48])
{
	record_etag('p', person, out);
}

enum outcome person_list(struct ctx *cx, int64_t household_id, int64_t after, int limit,
			 json_t **out)
{
	*out = NULL;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *items = json_array();
	int64_t last = 0;
	int count = 0;
	struct store_rows *r = store_query(cx->db, "SELECT " PERSON_COLS " FROM persons p"
		" JOIN households h ON h.id = p.household_id"
		" WHERE p.id > ? AND (? = 0 OR p.household_id = ?) AND " SCOPE_SQL
		" ORDER BY p.id LIMIT ?", "iii" SCOPE_TYPES "i", after, household_id,
		household_id, SCOPE_ARGS(lo, hi), (int64_t)limit + 1);
	while (store_next(r)) {
		if (count++ == limit)
			break;
		last = store_int(r, 0);
		json_array_append_new(items, person_row_json(cx, r));
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	json_object_set_new(*out, "next", count > limit
			    ? json_string(arena_printf(cx->arena, "%lld", (long long)last))
			    : json_null());
	return OUT_OK;
}
