/* employment_report: one pass over households, persons and their ledgers, in memory. */
#include "domain/employment_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/division.h"
#include "domain/employment.h"
#include "domain/ledger.h"

const char *const employment_figures[] = {"households", "persons", "labor_force", "employed",
	"employed_county", "employed_province", "employed_outside_province",
	"employed_public_welfare", "employed_workshop", "employed_self_employed",
	"employed_flexible", "employment_rate", "zero_employment_households", "trained",
	"medical_insured", "pension_insured", "minimum_living", "school_age_children",
	"children_enrolled", "family_doctor_signed", "plots_transferred_mu", "plots_shares_mu",
	"plots_reclaimed_mu", "plots_self_farmed_mu", "plots_idle_mu", NULL};

enum { NJOB = 7, NUSE = 5 };

/* Counters of one row (the county, a town, a community). */
struct tally {
	char code[16];
	int64_t households, persons, labor_force, employed, by_type[NJOB], zero_employment;
	int64_t trained, medical, pension, minimum_living, school_age, enrolled, doctor;
	double plot_mu[NUSE];
};

/* Per-person facts, indexed by person id. */
enum {
	P_COUNTED = 1, P_LABOR = 2, P_SCHOOL = 4, P_TRAINED = 8, P_MEDICAL = 16, P_PENSION = 32,
	P_MINLIVING = 64, P_ENROLLED = 128
};

struct pass {
	struct ctx *cx;
	int64_t max_hh, max_person;
	int32_t *hh_town, *hh_comm;	/* tally index, -1: not counted */
	uint8_t *hh_after;		/* relocated or settled */
	uint16_t *hh_labor, *hh_employed;
	int32_t *p_hh;			/* the person's household, 0: not counted */
	uint8_t *p_flags, *p_job, *p_doctor;	/* p_job: 0 none, 1 + type (main first) */
	struct tally county, *towns, *comms;
	int ntowns, ncomms, cap;
};

static int tally_index(struct tally **arr, int *n, int *cap, const char *code)
{
	for (int i = *n - 1; i >= 0; i--)	/* few hundred at most; recent ones first */
		if (strcmp((*arr)[i].code, code) == 0)
			return i;
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 64;
		struct tally *t = realloc(*arr, sizeof(**arr) * (size_t)ncap);
		if (!t)
			return -1;
		*arr = t;
		*cap = ncap;
	}
	memset(&(*arr)[*n], 0, sizeof(**arr));
	snprintf((*arr)[*n].code, sizeof((*arr)[*n].code), "%s", code);
	return (*n)++;
}

static void pass_free(struct pass *p)
{
	free(p->hh_town);
	free(p->hh_comm);
	free(p->hh_after);
	free(p->hh_labor);
	free(p->hh_employed);
	free(p->p_hh);
	free(p->p_flags);
	free(p->p_job);
	free(p->p_doctor);
	free(p->towns);
	free(p->comms);
}

static int job_index(const char *type)
{
	for (int i = 0; job_types[i]; i++)
		if (strcmp(job_types[i], type) == 0)
			return i;
	return -1;
}

/* Reads everything the figures need. False on a storage error or no memory. */
static bool pass_run(struct pass *p, struct ctx *cx)
{
	struct followup_settings s;
	struct followup_dates d;
	char lo[16], hi[17];
	int rc, tcap = 0, ccap = 0;
	memset(p, 0, sizeof(*p));
	p->cx = cx;
	if (!followup_settings_load(cx, &s))
		return false;
	followup_dates_for(&s, cx->today, &d);
	actor_scope_range(cx->actor, lo, hi);
	p->max_hh = store_one_int(cx->db, &rc, "SELECT coalesce(max(id), 0) FROM households", NULL);
	if (rc == STORE_OK)
		p->max_person = store_one_int(cx->db, &rc, "SELECT coalesce(max(id), 0) FROM persons", NULL);
	if (rc != STORE_OK)
		return false;
	size_t nh = (size_t)p->max_hh + 1, np = (size_t)p->max_person + 1;
	p->hh_town = malloc(nh * sizeof(int32_t));
	p->hh_comm = malloc(nh * sizeof(int32_t));
	p->hh_after = calloc(nh, 1);
	p->hh_labor = calloc(nh, sizeof(uint16_t));
	p->hh_employed = calloc(nh, sizeof(uint16_t));
	p->p_hh = calloc(np, sizeof(int32_t));
	p->p_flags = calloc(np, 1);
	p->p_job = calloc(np, 1);
	p->p_doctor = calloc(np, 1);
	if (!p->hh_town || !p->hh_comm || !p->hh_after || !p->hh_labor || !p->hh_employed ||
	    !p->p_hh || !p->p_flags || !p->p_job || !p->p_doctor)
		return false;
	memset(p->hh_town, 0xff, nh * sizeof(int32_t));
	memset(p->hh_comm, 0xff, nh * sizeof(int32_t));

	struct store_rows *r = store_query(cx->db, "SELECT h.id, substr(h.origin_village, 1, 9),"
		" coalesce(h.dest_community, ''), h.status IN ('relocated', 'settled') FROM households h"
		" WHERE h.status <> 'closed' AND " SCOPE_SQL, SCOPE_TYPES, SCOPE_ARGS(lo, hi));
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		int t = tally_index(&p->towns, &p->ntowns, &tcap, store_text(r, 1));
		int c = tally_index(&p->comms, &p->ncomms, &ccap, store_text(r, 2));
		if (t < 0 || c < 0 || id > p->max_hh)
			continue;
		p->hh_town[id] = t;
		p->hh_comm[id] = c;
		p->hh_after[id] = (uint8_t)store_int(r, 3);
	}
	if (store_finish(r) != STORE_OK)
		return false;

	r = store_query(cx->db, "SELECT id, household_id, birth_date, labor_capacity IN"
		" ('ordinary', 'skilled', 'weak') FROM persons WHERE status = 'member'", NULL);
	while (store_next(r)) {
		int64_t id = store_int(r, 0), hh = store_int(r, 1);
		if (id > p->max_person || hh > p->max_hh || p->hh_town[hh] < 0)
			continue;
		const char *birth = store_text(r, 2);
		uint8_t f = P_COUNTED;
		if (store_int(r, 3) && strcmp(birth, d.labor_born_after) > 0 &&
		    strcmp(birth, d.labor_born_by) <= 0)
			f |= P_LABOR;
		if (strcmp(birth, d.school_born_after) > 0 && strcmp(birth, d.school_born_by) <= 0)
			f |= P_SCHOOL;
		p->p_hh[id] = (int32_t)hh;
		p->p_flags[id] = f;
	}
	if (store_finish(r) != STORE_OK)
		return false;

	/* jobs covering today; the main one's type wins */
	r = store_query(cx->db, "SELECT person_id, type, main FROM jobs WHERE start_date <= ? AND"
			" (end_date IS NULL OR end_date >= ?)", "tt", d.today, d.today);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		int k = job_index(store_text(r, 1));
		if (id <= p->max_person && k >= 0 && (!p->p_job[id] || store_int(r, 2)))
			p->p_job[id] = (uint8_t)(k + 1);
	}
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(cx->db, "SELECT person_id FROM trainings", NULL);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		if (id <= p->max_person)
			p->p_flags[id] |= P_TRAINED;
	}
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(cx->db, "SELECT person_id, kind FROM guarantees WHERE status = 'enrolled'"
			" AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)", "tt",
			d.today, d.today);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		const char *kind = store_text(r, 1);
		if (id <= p->max_person)
			p->p_flags[id] |= kind[0] == 'm' && kind[1] == 'e' ? P_MEDICAL
				: kind[0] == 'p' ? P_PENSION : P_MINLIVING;
	}
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(cx->db, "SELECT person_id FROM schooling WHERE status = 'enrolled'", NULL);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		if (id <= p->max_person)
			p->p_flags[id] |= P_ENROLLED;
	}
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(cx->db, "SELECT person_id FROM family_doctors WHERE signed = 1", NULL);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		if (id <= p->max_person)
			p->p_doctor[id] = 1;
	}
	if (store_finish(r) != STORE_OK)
		return false;
	(void)tcap;
	(void)ccap;
	return true;
}

/* Whether a counted person meets a figure; -1 when the figure is not about persons. */
static int person_meets(const struct pass *p, int64_t id, const char *figure)
{
	uint8_t f = p->p_flags[id];
	bool labor = f & P_LABOR, employed = labor && p->p_job[id];
	if (strcmp(figure, "persons") == 0) return 1;
	if (strcmp(figure, "labor_force") == 0) return labor;
	if (strcmp(figure, "employed") == 0) return employed;
	if (strncmp(figure, "employed_", 9) == 0 && job_index(figure + 9) >= 0)
		return employed && p->p_job[id] == job_index(figure + 9) + 1;
	if (strcmp(figure, "trained") == 0) return labor && (f & P_TRAINED);
	if (strcmp(figure, "medical_insured") == 0) return !!(f & P_MEDICAL);
	if (strcmp(figure, "pension_insured") == 0) return !!(f & P_PENSION);
	if (strcmp(figure, "minimum_living") == 0) return !!(f & P_MINLIVING);
	if (strcmp(figure, "school_age_children") == 0) return !!(f & P_SCHOOL);
	if (strcmp(figure, "children_enrolled") == 0) return (f & P_SCHOOL) && (f & P_ENROLLED);
	if (strcmp(figure, "family_doctor_signed") == 0) return p->p_doctor[id];
	return -1;
}

static void add_person(struct tally *t, const struct pass *p, int64_t id)
{
	uint8_t f = p->p_flags[id];
	t->persons++;
	if (f & P_LABOR) {
		t->labor_force++;
		if (p->p_job[id]) {
			t->employed++;
			t->by_type[p->p_job[id] - 1]++;
		}
		if (f & P_TRAINED)
			t->trained++;
	}
	t->medical += !!(f & P_MEDICAL);
	t->pension += !!(f & P_PENSION);
	t->minimum_living += !!(f & P_MINLIVING);
	if (f & P_SCHOOL) {
		t->school_age++;
		t->enrolled += !!(f & P_ENROLLED);
	}
	t->doctor += p->p_doctor[id];
}

static void pass_tally(struct pass *p)
{
	for (int64_t id = 1; id <= p->max_person; id++) {
		if (!(p->p_flags[id] & P_COUNTED))
			continue;
		int64_t hh = p->p_hh[id];
		add_person(&p->county, p, id);
		add_person(&p->towns[p->hh_town[hh]], p, id);
		add_person(&p->comms[p->hh_comm[hh]], p, id);
		if (p->p_flags[id] & P_LABOR) {
			p->hh_labor[hh]++;
			p->hh_employed[hh] += p->p_job[id] != 0;
		}
	}
	for (int64_t hh = 1; hh <= p->max_hh; hh++) {
		if (p->hh_town[hh] < 0)
			continue;
		bool zero = p->hh_after[hh] && p->hh_labor[hh] > 0 && p->hh_employed[hh] == 0;
		struct tally *rows[3] = {&p->county, &p->towns[p->hh_town[hh]], &p->comms[p->hh_comm[hh]]};
		for (int k = 0; k < 3; k++) {
			rows[k]->households++;
			rows[k]->zero_employment += zero;
		}
	}
}

/* Plot areas by use, per household's rows. */
static bool pass_plots(struct pass *p)
{
	static const char *const uses[] = {"transferred", "shares", "reclaimed", "self_farmed", "idle"};
	struct store_rows *r = store_query(p->cx->db, "SELECT household_id, use, area_mu FROM plots", NULL);
	while (store_next(r)) {
		int64_t hh = store_int(r, 0);
		if (hh > p->max_hh || p->hh_town[hh] < 0)
			continue;
		for (int u = 0; u < NUSE; u++)
			if (strcmp(store_text(r, 1), uses[u]) == 0) {
				double mu = store_double(r, 2);
				p->county.plot_mu[u] += mu;
				p->towns[p->hh_town[hh]].plot_mu[u] += mu;
				p->comms[p->hh_comm[hh]].plot_mu[u] += mu;
			}
	}
	return store_finish(r) == STORE_OK;
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
		json_object_set_new(o, arena_printf(cx->arena, "employed_%s", job_types[k]),
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

enum outcome report_employment(struct ctx *cx, json_t **out)
{
	struct pass p;
	char today[11];
	*out = NULL;
	bool ok = pass_run(&p, cx) && pass_plots(&p);
	if (ok) {
		pass_tally(&p);
		snprintf(p.county.code, sizeof(p.county.code), "%s", cx->actor->scope);
		date_format(cx->today, today);
		*out = json_pack("{s:s, s:o}", "today", today, "county", tally_json(cx, &p.county));
		json_object_set_new(*out, "by_town", tallies_json(cx, p.towns, p.ntowns));
		json_object_set_new(*out, "by_community", tallies_json(cx, p.comms, p.ncomms));
	}
	pass_free(&p);
	return ok ? OUT_OK : OUT_INTERNAL;
}

/* ---------------------------------------------------------------- records behind a figure */

static bool in_area(const struct pass *p, int64_t hh, const char *area, size_t n)
{
	if (n == 0)
		return true;
	const char *code = n == 9 ? p->towns[p->hh_town[hh]].code : p->comms[p->hh_comm[hh]].code;
	return strcmp(code, area) == 0;
}

enum outcome report_employment_records(struct ctx *cx, const char *figure, const char *area,
				       int64_t after, int limit, json_t **out)
{
	struct pass p;
	size_t n = area ? strlen(area) : 0;
	*out = NULL;
	if (!jx_in(figure, employment_figures) || strcmp(figure, "employment_rate") == 0 ||
	    strstr(figure, "_mu")) {
		verrors_add(cx->errs, "figure", "unknown_value");
		return OUT_INVALID;
	}
	if (n != 0 && n != 9 && n != 12) {
		verrors_add(cx->errs, "area", "invalid_code");
		return OUT_INVALID;
	}
	if (!pass_run(&p, cx)) {
		pass_free(&p);
		return OUT_INTERNAL;
	}
	pass_tally(&p);
	bool households = strcmp(figure, "households") == 0 ||
			  strcmp(figure, "zero_employment_households") == 0;
	json_t *ids = json_array();
	int64_t count = 0, last = 0;
	if (households) {
		for (int64_t hh = 1; hh <= p.max_hh; hh++) {
			if (p.hh_town[hh] < 0 || !in_area(&p, hh, area, n))
				continue;
			if (figure[0] == 'z' && !(p.hh_after[hh] && p.hh_labor[hh] && !p.hh_employed[hh]))
				continue;
			count++;
			if (hh > after && (int)json_array_size(ids) < limit)
				json_array_append_new(ids, json_integer(last = hh));
		}
	} else {
		for (int64_t id = 1; id <= p.max_person; id++) {
			if (!(p.p_flags[id] & P_COUNTED) || !in_area(&p, p.p_hh[id], area, n) ||
			    person_meets(&p, id, figure) != 1)
				continue;
			count++;
			if (id > after && (int)json_array_size(ids) < limit)
				json_array_append_new(ids, json_integer(last = id));
		}
	}
	pass_free(&p);
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
	return OUT_OK;
}

/* ---------------------------------------------------------------- tables */

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
		for (int i = 0; employment_figures[i]; i++) {
			char key[64];
			snprintf(key, sizeof(key), "figure_%s", employment_figures[i]);
			json_array_append_new(cols, json_pack("{s:s, s:s}", "key", employment_figures[i],
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
