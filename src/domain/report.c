/* report: county figures from the follow-up pass (followup_pass.h) — its facts per
 * household and person, folded into totals and breakdowns here. */
#include "domain/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/division.h"
#include "domain/facility.h"
#include "domain/hall.h"
#include "domain/followup_pass.h"
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
 * volumes (卷) they make, and the labor force from the employment report (of the same
 * pass as the county's figures). */
static enum outcome add_labor_figures(struct ctx *cx, json_t *out, const struct followup_pass *p,
				      const char *lo, const char *hi)
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
	if (store_finish(r) != STORE_OK || report_employment_overview_of(cx, p, &emp) != OUT_OK) {
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

/* One group's counts: households, members, incomplete files. */
struct group { json_int_t hh, persons, incomplete; };

/* The county's figures by origin town and destination community, each split by category
 * (index 1: registered poor), counted from the pass's facts: a household counted is one
 * in scope and not closed, a person counted a member of one (followup_pass.h), its file
 * incomplete when HF_ARCHIVE_INCOMPLETE — the same sets the grouped query over
 * households, persons and the checklist counted before (tests/e2e compare them with the
 * records). */
static void count_groups(const struct followup_pass *p, struct group (*towns)[2],
			 struct group (*comms)[2])
{
	for (int64_t hh = 0; hh <= p->max_hh; hh++) {
		uint8_t f = p->hh_facts[hh];
		if (!(f & HF_COUNTED))
			continue;
		int poor = (f & HF_REGISTERED_POOR) != 0, inc = (f & HF_ARCHIVE_INCOMPLETE) != 0;
		struct group *t = &towns[p->hh_town[hh]][poor], *c = &comms[p->hh_comm[hh]][poor];
		t->hh++;
		c->hh++;
		t->incomplete += inc;
		c->incomplete += inc;
	}
	for (int64_t id = 0; id <= p->max_person; id++) {
		if (!(p->p_facts[id] & PF_COUNTED))
			continue;
		int32_t hh = p->p_hh[id];
		int poor = (p->hh_facts[hh] & HF_REGISTERED_POOR) != 0;
		towns[p->hh_town[hh]][poor].persons++;
		comms[p->hh_comm[hh]][poor].persons++;
	}
}

enum outcome report_county(struct ctx *cx, json_t **out)
{
	*out = NULL;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	/* one pass for the county's figures and the employment figures and worklists beside
	 * them: a grouped query over households, members and the checklist cost as much again.
	 * No plots: none of their figures is kept here. */
	struct followup_pass p;
	if (!followup_pass_run(cx, &p, PASS_RULE_FACTS))
		return OUT_INTERNAL;
	struct group (*tg)[2] = calloc((size_t)p.ntowns + 1, sizeof(*tg));
	struct group (*cg)[2] = calloc((size_t)p.ncomms + 1, sizeof(*cg));
	if (!tg || !cg) {
		free(tg);
		free(cg);
		followup_pass_release(&p);
		return OUT_INTERNAL;
	}
	count_groups(&p, tg, cg);
	json_int_t hh = 0, persons = 0, poor_hh = 0, poor_persons = 0, incomplete = 0;
	json_t *towns = json_object(), *communities = json_object();
	for (int poor = 0; poor < 2; poor++) {
		for (int t = 0; t < p.ntowns; t++) {
			const struct group *g = &tg[t][poor];
			if (!g->hh)
				continue;
			hh += g->hh;
			persons += g->persons;
			incomplete += g->incomplete;
			if (poor) {
				poor_hh += g->hh;
				poor_persons += g->persons;
			}
			add_counts(towns, p.towns[t], poor, g->hh, g->persons, g->incomplete);
		}
		for (int c = 0; c < p.ncomms; c++) {
			const struct group *g = &cg[c][poor];
			if (g->hh)
				add_counts(communities, p.comms[c], poor, g->hh, g->persons, g->incomplete);
		}
	}
	free(tg);
	free(cg);
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
	/* and the Homesickness Hall's visitors: the people of its visits, counted from them */
	int64_t visitors = hall_visitors(cx, "homesickness_hall", lo, hi);
	enum outcome res = OUT_INTERNAL;
	if (markets >= 0 && visitors >= 0) {
		json_object_set_new(*out, "convenience_supermarkets", json_integer(markets));
		json_object_set_new(*out, "homesickness_hall_visitors", json_integer(visitors));
		res = add_labor_figures(cx, *out, &p, lo, hi);
	} else {
		json_decref(*out);
	}
	if (res != OUT_OK)
		*out = NULL;	/* released above or there */
	followup_pass_release(&p);
	return res;
}
