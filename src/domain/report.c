/* report: county figures by query. */
#include "domain/report.h"

#include <string.h>

/* Households and members per origin town or destination community, in scope. */
static json_t *breakdown(struct ctx *cx, const char *group_expr_sql, int *rc)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, group_expr_sql, SCOPE_TYPES, SCOPE_ARGS(lo, hi));
	while (store_next(r)) {
		json_t *row = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}",
			"code", store_text(r, 0), "name", store_text(r, 1),
			"households", (json_int_t)store_int(r, 2),
			"persons", (json_int_t)store_int(r, 3),
			"registered_poor_households", (json_int_t)store_int(r, 4),
			"registered_poor_persons", (json_int_t)store_int(r, 5));
		json_array_append_new(arr, row);
	}
	*rc = store_finish(r);
	return arr;
}

#define COUNTS_BY(code_expr) \
	"SELECT " code_expr " AS code, coalesce((SELECT short_name FROM divisions" \
	" WHERE code = " code_expr "), ''), count(*), sum(size)," \
	" sum(category = 'registered_poor'), sum(CASE WHEN category = 'registered_poor'" \
	" THEN size ELSE 0 END) FROM (SELECT h.*, (SELECT count(*) FROM persons p" \
	" WHERE p.household_id = h.id AND p.status = 'member') AS size FROM households h" \
	" WHERE h.status <> 'closed' AND " SCOPE_SQL ") h GROUP BY 1 ORDER BY 1"

enum outcome report_county(struct ctx *cx, json_t **out)
{
	char lo[16], hi[17];
	int rc, rc2, rc3;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db,
		"SELECT count(DISTINCT h.id), coalesce(sum(p.n), 0),"
		" count(DISTINCT CASE WHEN h.category = 'registered_poor' THEN h.id END),"
		" coalesce(sum(CASE WHEN h.category = 'registered_poor' THEN p.n END), 0)"
		" FROM households h LEFT JOIN (SELECT household_id, count(*) AS n FROM persons"
		" WHERE status = 'member' GROUP BY household_id) p ON p.household_id = h.id"
		" WHERE h.status <> 'closed' AND " SCOPE_SQL, SCOPE_TYPES, SCOPE_ARGS(lo, hi));
	json_int_t hh = 0, persons = 0, poor_hh = 0, poor_persons = 0;
	if (store_next(r)) {
		hh = store_int(r, 0);
		persons = store_int(r, 1);
		poor_hh = store_int(r, 2);
		poor_persons = store_int(r, 3);
	}
	rc = store_finish(r);
	json_t *by_town = breakdown(cx, COUNTS_BY("substr(h.origin_village, 1, 9)"), &rc2);
	json_t *by_community = breakdown(cx, COUNTS_BY("coalesce(h.dest_community, '')"), &rc3);
	if (rc != STORE_OK || rc2 != STORE_OK || rc3 != STORE_OK) {
		json_decref(by_town);
		json_decref(by_community);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o}",
		"households", hh, "persons", persons,
		"registered_poor_households", poor_hh, "registered_poor_persons", poor_persons,
		"synchronous_households", hh - poor_hh, "synchronous_persons", persons - poor_persons,
		"scope", cx->actor->scope, "by_origin_town", by_town,
		"by_destination_community", by_community);
	return OUT_OK;
}
