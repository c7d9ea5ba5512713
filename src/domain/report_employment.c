/* report_employment: one pass over households, persons and their ledgers, in memory. */
#include "domain/report_employment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/division.h"
#include "domain/jobs.h"
#include "domain/followup_pass.h"
#include "domain/ledger.h"
#include "domain/privacy.h"
#include "domain/worklist.h"

const char *const report_employment_figures[] = {"households", "persons", "labor_force", "employed",
	"employed_county", "employed_province", "employed_outside_province",
	"employed_public_welfare", "employed_workshop", "employed_self_employed",
	"employed_flexible", "employed_home", "employment_rate", "zero_employment_households", "trained",
	"medical_insured", "pension_insured", "minimum_living", "school_age_children",
	"children_enrolled", "family_doctor_signed", "plots_transferred_mu", "plots_shares_mu",
	"plots_reclaimed_mu", "plots_self_farmed_mu", "plots_idle_mu", NULL};

enum { NJOB = 8, NUSE = 5 };

/* Counters of one row (the county, a town, a community). */
struct tally {
	char code[16];
	int64_t households, persons, labor_force, employed, by_type[NJOB], zero_employment;
	int64_t trained, medical, pension, minimum_living, school_age, enrolled, doctor;
	double plot_mu[NUSE];
};

/* The county, its towns and its communities, tallied from the pass's facts. */
struct tallies {
	struct tally county, *towns, *comms;
};

static void add_person(struct tally *t, const struct followup_pass *p, int64_t id)
{
	uint16_t f = p->p_facts[id];
	t->persons++;
	if (f & PF_LABOR) {
		t->labor_force++;
		if (f & PF_EMPLOYED) {
			t->employed++;
			t->by_type[p->p_job[id] - 1]++;
		}
		if (f & PF_TRAINED)
			t->trained++;
	}
	t->medical += !!(f & PF_MEDICAL);
	t->pension += !!(f & PF_PENSION);
	t->minimum_living += !!(f & PF_MINIMUM_LIVING);
	if (f & PF_SCHOOL_AGE) {
		t->school_age++;
		t->enrolled += !!(f & PF_ENROLLED);
	}
	t->doctor += !!(f & PF_DOCTOR);
}

/* The zero-employment condition, the same as the rule's (see 003_followup.sql). */
static bool zero_employment(const struct followup_pass *p, int64_t hh)
{
	uint8_t h = p->hh_facts[hh];
	return (h & HF_RELOCATED) && (h & HF_HAS_LABOR) && !(h & HF_HAS_EMPLOYED);
}

static bool tally(const struct followup_pass *p, struct tallies *t)
{
	memset(t, 0, sizeof(*t));
	t->towns = calloc((size_t)p->ntowns + 1, sizeof(struct tally));
	t->comms = calloc((size_t)p->ncomms + 1, sizeof(struct tally));
	if (!t->towns || !t->comms)
		return false;
	for (int i = 0; i < p->ntowns; i++)
		snprintf(t->towns[i].code, sizeof(t->towns[i].code), "%s", p->towns[i]);
	for (int i = 0; i < p->ncomms; i++)
		snprintf(t->comms[i].code, sizeof(t->comms[i].code), "%s", p->comms[i]);
	for (int64_t id = 1; id <= p->max_person; id++) {
		if (!(p->p_facts[id] & PF_COUNTED))
			continue;
		int64_t hh = p->p_hh[id];
		add_person(&t->county, p, id);
		add_person(&t->towns[p->hh_town[hh]], p, id);
		add_person(&t->comms[p->hh_comm[hh]], p, id);
	}
	for (int64_t hh = 1; hh <= p->max_hh; hh++) {
		if (!(p->hh_facts[hh] & HF_COUNTED))
			continue;
		struct tally *rows[3] = {&t->county, &t->towns[p->hh_town[hh]], &t->comms[p->hh_comm[hh]]};
		for (int k = 0; k < 3; k++) {
			rows[k]->households++;
			rows[k]->zero_employment += zero_employment(p, hh);
		}
	}
	for (int u = 0; u < NUSE; u++) {
		t->county.plot_mu[u] = p->county_mu[u];
		for (int i = 0; p->town_mu && i < p->ntowns; i++)
			t->towns[i].plot_mu[u] = p->town_mu[i][u];
		for (int i = 0; p->comm_mu && i < p->ncomms; i++)
			t->comms[i].plot_mu[u] = p->comm_mu[i][u];
	}
	return true;
}

static json_t *tally_json(struct ctx *cx, const struct tally *t)
{
	char name[128] = "";
	if (t->code[0])
		division_name(cx->db, t->code, name, sizeof(name));
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "code", t->code, "name", name,
		"households", (json_int_t)t->households, "persons", (json_int_t)t->persons,
		"labor_force", (json_int_t)t->labor_force, "employed", (json_int_t)t->employed);
	for (int k = 0; k < NJOB; k++)
		json_object_set_new(o, arena_printf(cx->arena, "employed_%s", jobs_types[k]),
				    json_integer(t->by_type[k]));
	/* a rate to one decimal place, in percent */
	json_object_set_new(o, "employment_rate", json_real(t->labor_force
		? (double)(t->employed * 1000 / t->labor_force) / 10.0 : 0.0));
	json_object_set_new(o, "zero_employment_households", json_integer(t->zero_employment));
	json_object_set_new(o, "trained", json_integer(t->trained));
	json_object_set_new(o, "medical_insured", json_integer(t->medical));
	json_object_set_new(o, "pension_insured", json_integer(t->pension));
	json_object_set_new(o, "minimum_living", json_integer(t->minimum_living));
	json_object_set_new(o, "school_age_children", json_integer(t->school_age));
	json_object_set_new(o, "children_enrolled", json_integer(t->enrolled));
	json_object_set_new(o, "family_doctor_signed", json_integer(t->doctor));
	static const char *const uses[] = {"transferred", "shares", "reclaimed", "self_farmed", "idle"};
	for (int u = 0; u < NUSE; u++)
		json_object_set_new(o, arena_printf(cx->arena, "plots_%s_mu", uses[u]),
				    json_real((double)(int64_t)(t->plot_mu[u] * 100 + 0.5) / 100.0));
	return o;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->code, ((const struct tally *)b)->code);
}

static json_t *tallies_json(struct ctx *cx, struct tally *t, int n)
{
	json_t *arr = json_array();
	qsort(t, (size_t)n, sizeof(*t), by_code);
	for (int i = 0; i < n; i++)
		if (t[i].code[0])	/* households without a destination have no community row */
			json_array_append_new(arr, tally_json(cx, &t[i]));
	return arr;
}

/* The report from a pass run with PASS_PLOTS. */
static enum outcome report_of(struct ctx *cx, const struct followup_pass *pass, json_t **out)
{
	const struct followup_pass p = *pass;
	struct tallies t;
	char today[11];
	bool ok = tally(&p, &t);
	if (ok) {
		snprintf(t.county.code, sizeof(t.county.code), "%s", cx->actor->scope);
		date_format(cx->today, today);
		*out = json_pack("{s:s, s:o}", "today", today, "county", tally_json(cx, &t.county));
		json_object_set_new(*out, "by_town", tallies_json(cx, t.towns, p.ntowns));
		json_object_set_new(*out, "by_community", tallies_json(cx, t.comms, p.ncomms));
	}
	free(t.towns);
	free(t.comms);
	return ok ? OUT_OK : OUT_INTERNAL;
}

enum outcome report_employment(struct ctx *cx, json_t **out)
{
	struct followup_pass p;
	*out = NULL;
	if (!followup_pass_run(cx, &p, PASS_PLOTS))
		return OUT_INTERNAL;
	enum outcome res = report_of(cx, &p, out);
	followup_pass_release(&p);
	return res;
}

enum outcome report_employment_overview_of(struct ctx *cx, const struct followup_pass *p,
					   json_t **out)
{
	json_t *counts = NULL;
	*out = NULL;
	enum outcome res = report_of(cx, p, out);
	if (res == OUT_OK && (res = worklist_counts_of(cx, p, &counts)) == OUT_OK)
		json_object_set_new(*out, "worklists", json_incref(json_object_get(counts, "items")));
	json_decref(counts);
	if (res != OUT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return res;
}

enum outcome report_employment_overview(struct ctx *cx, json_t **out)
{
	struct followup_pass p;
	*out = NULL;
	if (!followup_pass_run(cx, &p, PASS_PLOTS | PASS_RULE_FACTS))
		return OUT_INTERNAL;
	enum outcome res = report_employment_overview_of(cx, &p, out);
	followup_pass_release(&p);
	return res;
}

/* ---------------------------------------------------------------- records behind a figure */

static bool in_area(const struct followup_pass *p, int64_t hh, const char *area, size_t n)
{
	if (n == 0)
		return true;
	const char *code = n == 9 ? p->towns[p->hh_town[hh]] : p->comms[p->hh_comm[hh]];
	return strcmp(code, area) == 0;
}

/* Whether a counted person is behind a person figure of the report. */
static bool person_counts(const struct followup_pass *p, int64_t id, const char *figure)
{
	uint16_t f = p->p_facts[id];
	bool labor = f & PF_LABOR, employed = labor && (f & PF_EMPLOYED);
	if (strcmp(figure, "persons") == 0) return true;
	if (strcmp(figure, "labor_force") == 0) return labor;
	if (strcmp(figure, "employed") == 0) return employed;
	if (strncmp(figure, "employed_", 9) == 0) {
		for (int k = 0; jobs_types[k]; k++)
			if (strcmp(figure + 9, jobs_types[k]) == 0)
				return employed && p->p_job[id] == k + 1;
		return false;
	}
	if (strcmp(figure, "trained") == 0) return labor && (f & PF_TRAINED);
	if (strcmp(figure, "medical_insured") == 0) return f & PF_MEDICAL;
	if (strcmp(figure, "pension_insured") == 0) return f & PF_PENSION;
	if (strcmp(figure, "minimum_living") == 0) return f & PF_MINIMUM_LIVING;
	if (strcmp(figure, "school_age_children") == 0) return f & PF_SCHOOL_AGE;
	if (strcmp(figure, "children_enrolled") == 0) return (f & PF_SCHOOL_AGE) && (f & PF_ENROLLED);
	if (strcmp(figure, "family_doctor_signed") == 0) return f & PF_DOCTOR;
	return false;
}

enum outcome report_employment_records(struct ctx *cx, const char *figure, const char *area,
				       int64_t after, int limit, json_t **out)
{
	struct followup_pass p;
	size_t n = area ? strlen(area) : 0;
	*out = NULL;
	if (!jx_in(figure, report_employment_figures) || strcmp(figure, "employment_rate") == 0 ||
	    strstr(figure, "_mu")) {
		verrors_add(cx->errs, "figure", "unknown_value");
		return OUT_INVALID;
	}
	if (n != 0 && n != 9 && n != 12) {
		verrors_add(cx->errs, "area", "invalid_code");
		return OUT_INVALID;
	}
	if (!followup_pass_run(cx, &p, 0))
		return OUT_INTERNAL;
	bool households = strcmp(figure, "households") == 0 ||
			  strcmp(figure, "zero_employment_households") == 0;
	json_t *ids = json_array();
	int64_t count = 0, last = 0;
	if (households) {
		for (int64_t hh = 1; hh <= p.max_hh; hh++) {
			if (!(p.hh_facts[hh] & HF_COUNTED) || !in_area(&p, hh, area, n))
				continue;
			if (figure[0] == 'z' && !zero_employment(&p, hh))
				continue;
			count++;
			if (hh > after && (int)json_array_size(ids) < limit)
				json_array_append_new(ids, json_integer(last = hh));
		}
	} else {
		for (int64_t id = 1; id <= p.max_person; id++) {
			if (!(p.p_facts[id] & PF_COUNTED) || !in_area(&p, p.p_hh[id], area, n) ||
			    !person_counts(&p, id, figure))
				continue;
			count++;
			if (id > after && (int)json_array_size(ids) < limit)
				json_array_append_new(ids, json_integer(last = id));
		}
	}
	followup_pass_release(&p);
	/* names for the page of ids */
	json_t *items = json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v) {
		json_t *rows = households
			? ledger_rows(cx, "id household_id number name", "iitt", "SELECT h.id, h.id,"
				" h.number, (SELECT name FROM persons WHERE household_id = h.id AND"
				" relation = 'head' AND status = 'member' LIMIT 1) FROM households h"
				" WHERE h.id = ?", "i", (int64_t)json_integer_value(v))
			: ledger_rows(cx, "id household_id number name", "iitt", "SELECT p.id,"
				" p.household_id, h.number, p.name FROM persons p JOIN households h ON"
				" h.id = p.household_id WHERE p.id = ?", "i", (int64_t)json_integer_value(v));
		if (rows && json_array_size(rows))
			json_array_append(items, json_array_get(rows, 0));
		json_decref(rows);
	}
	bool more = (int64_t)json_array_size(ids) == limit && count > 0;
	json_decref(ids);
	*out = json_pack("{s:s, s:s, s:s, s:I, s:o}", "figure", figure, "area", area ? area : "",
			 "kind", households ? "household" : "person", "count", (json_int_t)count,
			 "items", items);
	json_object_set_new(*out, "next", more ? json_integer(last) : json_null());
	privacy_present(cx->actor->role, items);	/* the rows of every channel, masked once */
	return OUT_OK;
}

/* ---------------------------------------------------------------- tables */

enum outcome report_employment_records_next(struct report_records_cursor *c, struct ctx *cx,
					    int max, json_t **rows)
{
	json_t *out = NULL;
	*rows = NULL;
	if (c->done) {
		*rows = json_array();
		return *rows ? OUT_OK : OUT_INTERNAL;
	}
	enum outcome res = report_employment_records(cx, c->figure, c->area, c->after, max, &out);
	if (res != OUT_OK)
		return res;
	*rows = json_incref(json_object_get(out, "items"));
	json_t *next = json_object_get(out, "next");
	c->done = !json_is_integer(next);
	c->after = json_integer_value(next);
	json_decref(out);
	return OUT_OK;
}

json_t *report_employment_tables(json_t *report, enum lang lang)
{
	static const char *const parts[][3] = {{"county", "report_table_county", "0"},
		{"by_town", "report_table_town", "1"}, {"by_community", "report_table_community", "1"}};
	json_t *tables = json_array();
	for (int t = 0; t < 3; t++) {
		json_t *cols = json_array();
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", "code", "label",
						      msg_get(lang, "report_col_code")));
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", "name", "label",
						      msg_get(lang, "report_col_name")));
		for (int i = 0; report_employment_figures[i]; i++) {
			char key[64];
			snprintf(key, sizeof(key), "figure_%s", report_employment_figures[i]);
			json_array_append_new(cols, json_pack("{s:s, s:s}", "key", report_employment_figures[i],
							      "label", msg_get(lang, key)));
		}
		json_t *rows = parts[t][2][0] == '1' ? json_incref(json_object_get(report, parts[t][0]))
			: json_pack("[O]", json_object_get(report, parts[t][0]));
		json_array_append_new(tables, json_pack("{s:s, s:s, s:o, s:o}", "name",
			msg_get(lang, parts[t][1]), "title", msg_get(lang, parts[t][1]), "columns", cols,
			"rows", rows));
	}
	return tables;
}
