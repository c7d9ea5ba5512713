/* household_glance: the follow-up gaps shown on a household page's first screen. */
#include "domain/household_glance.h"

#include <string.h>

#include "domain/followup.h"
#include "store/store.h"

enum outcome household_glance(struct ctx *cx, int64_t id, json_t **out)
{
	struct followup_settings s;
	struct followup_dates d;
	*out = NULL;
	if (!followup_settings_load(cx, &s))
		return OUT_INTERNAL;
	followup_dates_for(&s, cx->today, &d);
	json_t *o = json_object(), *jobless = json_array();
	/* a labor-force member (the rules' "labor" fact) with no job covering today */
	struct store_rows *r = store_query(cx->db, "SELECT p.id, p.name FROM persons p"
		" WHERE p.household_id = ? AND p.status = 'member'"
		" AND p.labor_capacity IN ('ordinary', 'skilled', 'weak')"
		" AND p.birth_date > ? AND p.birth_date <= ?"
		" AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.person_id = p.id AND j.start_date <= ?"
		" AND (j.end_date IS NULL OR j.end_date >= ?)) ORDER BY p.id", "itttt", id,
		d.labor_born_after, d.labor_born_by, d.today, d.today);
	while (store_next(r))
		json_array_append_new(jobless, json_pack("{s:I, s:s}", "id", (json_int_t)store_int(r, 0),
							 "name", store_text(r, 1)));
	bool ok = store_finish(r) == STORE_OK;
	json_object_set_new(o, "jobless_labor", jobless);
	r = store_query(cx->db, "SELECT max(date) FROM visits WHERE household_id = ?", "i", id);
	const char *last = NULL;
	if (store_next(r) && !store_null(r, 0))
		last = store_text(r, 0);
	json_object_set_new(o, "last_visit", last ? json_string(last) : json_null());
	json_object_set_new(o, "visit_overdue", json_boolean(!last || strcmp(last, d.visited_since) < 0));
	ok = store_finish(r) == STORE_OK && ok;
	json_object_set_new(o, "visit_days", json_integer(s.visit_days));
	if (!ok) {
		json_decref(o);
		return OUT_INTERNAL;
	}
	*out = o;
	return OUT_OK;
}
