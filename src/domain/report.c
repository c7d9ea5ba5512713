/* report: county figures by query — one grouped pass over households and their members,
 * folded into totals and breakdowns here. */
#include "domain/report.h"

#include <stdio.h>
#include <string.h>

#include "domain/checklist.h"
#include "domain/division.h"
#include "domain/facility.h"
#include "domain/report_employment.h"
#include "domain/fixity.h"

/* Adds one group's counts into the row for `code` of a breakdown object keyed by code. */
static void add_counts(json_t *rows, const char *code, int poor, json_int_t hh, json_int_t persons,
		       json_int_t incomplete)
{
	json_t *row = json_object_get(rows, code);
	if (!row) {
		row = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "code", code,
				"households", (json_int_t)0, "persons", (json_int_t)0,
				"registered_poor_households", (json_int_t)0,
				"registered_poor_persons", (json_int_t)0,
				"archived_household_files", (json_int_t)0,
				"incomplete_household_files", (json_int_t)0);
		json_object_set_new(rows, code, row);
	}
#define BUMP(key, n) json_object_set_new(row, key, \
		json_integer(json_integer_value(json_object_get(row, key)) + (n)))
	BUMP("households", hh);
	BUMP("persons", persons);
	BUMP("archived_household_files", hh - incomplete);
	BUMP("incomplete_household_files", incomplete);
	if (poor) {
		BUMP("registered_poor_households", hh);
		BUMP("registered_poor_persons", persons);
	}
#undef BUMP
}

/* The breakdown as an array sorted by code, each row named. */
static json_t *named_rows(struct ctx *cx, json_t *rows)
{
	json_t *arr = json_array();
	const char **codes = arena_alloc(cx->arena, sizeof(char *) * (json_object_size(rows) + 1));
	const char *code;
	json_t *row;
	size_t n = 0;
	if (!codes)
		return arr;
	json_object_foreach(rows, code, row)
		codes[n++] = code;
	for (size_t i = 1; i < n; i++)	/* a few dozen rows: insertion sort */
		for (size_t j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
			const char *t = codes[j];
			codes[j] = codes[j - 1];
			codes[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		char name[128];
		row = json_object_get(rows, codes[i]);
		division_name(cx->db, codes[i], name, sizeof(name));
		json_object_set_new(row, "name", json_string(name));
		json_array_append(arr, row);
	}
	return arr;
}

/* The employment volumes' figures: labor-capacity items (件) of persons' volumes and the
 * volumes (卷) they make, and the labor force from the employment report. */
static enum outcome add_labor_figures(struct ctx *cx, json_t *out, const char *lo, const char *hi)
{
	json_int_t files = 0, volumes = 0;
	struct store_rows *r = store_query(cx->db, "SELECT count(*), count(DISTINCT i.person_id)"
		" FROM items i JOIN households h ON h.id = i.household_id WHERE i.person_id IS NOT NULL"
		" AND i.doc_type = 'labor_capacity' AND i.status = 'active' AND h.status <> 'closed'"
		" AND " SCOPE_SQL, SCOPE_TYPES, SCOPE_ARGS(lo, hi));
	if (store_next(r)) {
		files = store_int(r, 0);
		volumes = store_int(r, 1);
	}
	json_t *emp = NULL;
	if (store_finish(r) != STORE_OK || report_employment_overview(cx, &emp) != OUT_OK) {
		json_decref(out);
		return OUT_INTERNAL;
	}
	json_t *county = json_object_get(emp, "county");
	json_object_set_new(out, "labor_files", json_integer(files));
	json_object_set_new(out, "labor_volumes", json_integer(volumes));
	static const char *const keys[] = {"labor_force", "employed", "zero_employment_households", NULL};
	for (int i = 0; keys[i]; i++)
		json_object_set(out, keys[i], json_object_get(county, keys[i]));
	json_object_set(out, "worklists", json_object_get(emp, "worklists"));
	json_decref(emp);
	return OUT_OK;
}

enum outcome report_county(struct ctx *cx, json_t **out)
{
	*out = NULL;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db,
		"SELECT substr(h.origin_village, 1, 9), coalesce(h.dest_community, ''),"
		" h.category = 'registered_poor', count(*), coalesce(sum(s.n), 0),"
		" coalesce(sum(" CHECKLIST_INCOMPLETE_EXPR "), 0)"
		" FROM households h LEFT JOIN (SELECT household_id, count(*) AS n FROM persons"
		"   WHERE status = 'member' GROUP BY household_id) s ON s.household_id = h.id"
		CHECKLIST_JOIN
		" WHERE h.status <> 'closed' AND " SCOPE_SQL " GROUP BY 1, 2, 3",
		SCOPE_TYPES, SCOPE_ARGS(lo, hi));
	json_int_t hh = 0, persons = 0, poor_hh = 0, poor_persons = 0, incomplete = 0;
	json_t *towns = json_object(), *communities = json_object();
	while (store_next(r)) {
		int poor = (int)store_int(r, 2);
		json_int_t n = store_int(r, 3), p = store_int(r, 4), inc = store_int(r, 5);
		hh += n;
		persons += p;
		incomplete += inc;
		if (poor) {
			poor_hh += n;
			poor_persons += p;
		}
		add_counts(towns, store_text(r, 0), poor, n, p, inc);
		add_counts(communities, store_text(r, 1), poor, n, p, inc);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(towns);
		json_decref(communities);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o, s:o}",
		"archived_household_files", hh - incomplete,
		"incomplete_household_files", incomplete,
		"households", hh, "persons", persons,
		"registered_poor_households", poor_hh, "registered_poor_persons", poor_persons,
		"synchronous_households", hh - poor_hh, "synchronous_persons", persons - poor_persons,
		"scope", cx->actor->scope, "by_origin_town", named_rows(cx, towns),
		"fixity", fixity_last(cx),
		"by_destination_community", named_rows(cx, communities));
	json_decref(towns);
	json_decref(communities);
	/* the article's 28 convenience supermarkets of 团山: counted from the facilities */
	int64_t markets = facility_count_open(cx, "convenience_supermarket", lo, hi);
	if (markets < 0) {
		json_decref(*out);
		*out = NULL;
		return OUT_INTERNAL;
	}
	json_object_set_new(*out, "convenience_supermarkets", json_integer(markets));
	enum outcome res = add_labor_figures(cx, *out, lo, hi);
	if (res != OUT_OK)
		*out = NULL;	/* released there */
	return res;
}
