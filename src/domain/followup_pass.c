/* followup_pass: sequential scans in two threads, joined in memory by id. */
#include "domain/followup_pass.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checklist.h"
#include "domain/jobs.h"

/* The two threads write disjoint arrays: the first the person facts, the second the
 * household facts, the towns and communities and the plot areas. */
struct side {
	struct store_conn *db;
	struct ctx *cx;
	struct followup_pass *p;
	unsigned what;
	uint8_t *poor;			/* registered-poor household: its checklist */
	uint8_t *hh_rp, *hh_sy;		/* required document types present, per category */
	struct checklist checklist;	/* read by the second thread, used by merge() */
	bool ok;
};

static const struct { const char *name; uint16_t bit; bool household; } facts[] = {
	{"labor", PF_LABOR, false}, {"school_age", PF_SCHOOL_AGE, false},
	{"pension_age", PF_PENSION_AGE, false}, {"employed", PF_EMPLOYED, false},
	{"worked_recently", PF_WORKED_RECENTLY, false}, {"trained", PF_TRAINED, false},
	{"trained_recently", PF_TRAINED_RECENTLY, false}, {"medical", PF_MEDICAL, false},
	{"pension", PF_PENSION, false}, {"minimum_living", PF_MINIMUM_LIVING, false},
	{"enrolled", PF_ENROLLED, false}, {"doctor", PF_DOCTOR, false},
	{"skilled", PF_SKILLED, false},
	{"relocated", HF_RELOCATED, true}, {"has_labor", HF_HAS_LABOR, true},
	{"has_employed", HF_HAS_EMPLOYED, true}, {"archive_incomplete", HF_ARCHIVE_INCOMPLETE, true},
	{"step_overdue", HF_STEP_OVERDUE, true}, {"visited_recently", HF_VISITED_RECENTLY, true},
};

bool followup_pass_condition_parse(const char *text, bool household_level, struct fact_condition *c,
			  const char **bad)
{
	static _Thread_local char word[40];
	memset(c, 0, sizeof(*c));
	c->ngroups = 1;
	for (const char *s = text; *s;) {
		s += strspn(s, " ");
		size_t n = strcspn(s, " ");
		if (n == 0)
			break;
		if (n == 1 && *s == '|') {	/* another group of facts, any of which may hold */
			if (c->ngroups == CONDITION_GROUPS) {
				*bad = "|";
				return false;
			}
			c->ngroups++;
			s++;
			continue;
		}
		bool neg = *s == '!';
		snprintf(word, sizeof(word), "%.*s", (int)(n - neg), s + neg);
		s += n;
		size_t k = 0;
		while (k < sizeof(facts) / sizeof(facts[0]) && strcmp(facts[k].name, word) != 0)
			k++;
		if (k == sizeof(facts) / sizeof(facts[0]) || (household_level && !facts[k].household)) {
			*bad = word;
			return false;
		}
		struct fact_group *g = &c->g[c->ngroups - 1];
		if (facts[k].household)
			*(neg ? &g->h_not : &g->h_need) |= (uint8_t)facts[k].bit;
		else
			*(neg ? &g->p_not : &g->p_need) |= facts[k].bit;
	}
	for (int i = 0; i < c->ngroups; i++) {
		if (household_level)
			c->g[i].h_need |= HF_COUNTED;
		else
			c->g[i].p_need |= PF_COUNTED;
	}
	return true;
}

static int code_index(char (**codes)[PASS_CODE], int *n, int *cap, const char *code)
{
	for (int i = *n - 1; i >= 0; i--)	/* a few hundred at most, recent ones first */
		if (strcmp((*codes)[i], code) == 0)
			return i;
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 64;
		char (*t)[PASS_CODE] = realloc(*codes, sizeof(**codes) * (size_t)ncap);
		if (!t)
			return -1;
		*codes = t;
		*cap = ncap;
	}
	snprintf((*codes)[*n], PASS_CODE, "%s", code);
	return (*n)++;
}

void followup_pass_release(struct followup_pass *p)
{
	free(p->hh_town);
	free(p->hh_comm);
	free(p->hh_facts);
	free(p->p_hh);
	free(p->p_facts);
	free(p->p_job);
	free(p->towns);
	free(p->comms);
	free(p->town_mu);
	free(p->comm_mu);
	memset(p, 0, sizeof(*p));
}

static int job_index(const char *type)
{
	for (int i = 0; jobs_types[i]; i++)
		if (strcmp(jobs_types[i], type) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- the second thread
 * On a connection of its own (side_thread): households, the archive checklist, overdue
 * steps, visits and plots. When no second connection can be had, the same scans run on
 * the caller's connection before the first thread's. */

static bool scan_households(struct side *s)
{
	struct followup_pass *p = s->p;
	char lo[16], hi[17];
	int tcap = 0, ccap = 0;
	actor_scope_range(s->cx->actor, lo, hi);
	struct store_rows *r = store_query(s->db, "SELECT h.id, substr(h.origin_village, 1, 9),"
		" coalesce(h.dest_community, ''), h.status IN ('relocated', 'settled'),"
		" h.category = 'registered_poor' FROM households h"
		" WHERE h.status <> 'closed' AND " SCOPE_SQL, SCOPE_TYPES, SCOPE_ARGS(lo, hi));
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		int t = code_index(&p->towns, &p->ntowns, &tcap, store_text(r, 1));
		int c = code_index(&p->comms, &p->ncomms, &ccap, store_text(r, 2));
		if (t < 0 || c < 0 || id > p->max_hh)
			continue;
		p->hh_town[id] = t;
		p->hh_comm[id] = c;
		s->poor[id] = (uint8_t)store_int(r, 4);
		p->hh_facts[id] = (uint8_t)(HF_COUNTED | (store_int(r, 3) ? HF_RELOCATED : 0) |
					    (s->poor[id] ? HF_REGISTERED_POOR : 0));
	}
	return store_finish(r) == STORE_OK;
}

/* Required document types present per household, counted per category's checklist; open
 * steps past due; recent visits. */
static bool scan_archive(struct side *s)
{
	struct followup_pass *p = s->p;
	struct checklist *cl = &s->checklist;
	if (checklist_load(s->db, cl) != STORE_OK)
		return false;
	int64_t last_hh = -1;
	char last_type[40] = "";
	struct store_rows *r = store_query(s->db, "SELECT household_id, doc_type FROM items"
			" WHERE status = 'active' ORDER BY household_id, doc_type", NULL);
	while (store_next(r)) {
		int64_t hh = store_int(r, 0);
		const char *type = store_text(r, 1);
		if (hh > p->max_hh || (hh == last_hh && strcmp(type, last_type) == 0))
			continue;	/* each type once per household */
		last_hh = hh;
		snprintf(last_type, sizeof(last_type), "%s", type);
		int k = checklist_type(cl, type);
		if (k >= 0) {
			s->hh_rp[hh] += cl->required[k][CHECKLIST_REGISTERED_POOR];
			s->hh_sy[hh] += cl->required[k][CHECKLIST_SYNCHRONOUS];
		}
	}
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(s->db, "SELECT DISTINCT household_id FROM relocation_steps WHERE"
			" done_date IS NULL AND due_date < ?", "t", p->dates.due_before);
	while (store_next(r))
		if (store_int(r, 0) <= p->max_hh)
			p->hh_facts[store_int(r, 0)] |= HF_STEP_OVERDUE;
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(s->db, "SELECT DISTINCT household_id FROM visits WHERE date >= ?", "t",
			p->dates.visited_since);
	while (store_next(r))
		if (store_int(r, 0) <= p->max_hh)
			p->hh_facts[store_int(r, 0)] |= HF_VISITED_RECENTLY;
	return store_finish(r) == STORE_OK;
}

/* Plot areas summed straight into the towns' and communities' rows: nothing per plot is
 * kept (a province has over a million). */
static bool scan_plots(struct side *s)
{
	static const char *const uses[] = {"transferred", "shares", "reclaimed", "self_farmed", "idle"};
	struct followup_pass *p = s->p;
	p->town_mu = calloc((size_t)p->ntowns + 1, sizeof(*p->town_mu));
	p->comm_mu = calloc((size_t)p->ncomms + 1, sizeof(*p->comm_mu));
	if (!p->town_mu || !p->comm_mu)
		return false;
	struct store_rows *r = store_query(s->db, "SELECT household_id, use, area_mu FROM plots", NULL);
	while (store_next(r)) {
		int64_t hh = store_int(r, 0);
		if (hh > p->max_hh || !(p->hh_facts[hh] & HF_COUNTED))
			continue;
		for (int u = 0; u < 5; u++)
			if (strcmp(store_text(r, 1), uses[u]) == 0) {
				double mu = store_double(r, 2);
				p->county_mu[u] += mu;
				p->town_mu[p->hh_town[hh]][u] += mu;
				p->comm_mu[p->hh_comm[hh]][u] += mu;
			}
	}
	return store_finish(r) == STORE_OK;
}

static void *side_thread(void *arg)
{
	struct side *s = arg;
	s->ok = scan_households(s) && (!(s->what & PASS_RULE_FACTS) || scan_archive(s)) &&
		(!(s->what & PASS_PLOTS) || scan_plots(s));
	return NULL;
}

/* ---------------------------------------------------------------- the first thread
 * On the caller's connection: persons, jobs, trainings, guarantees, schooling and family
 * doctors. */

static bool scan_people(struct ctx *cx, struct followup_pass *p)
{
	const struct followup_dates *d = &p->dates;
	struct store_rows *r = store_query(cx->db, "SELECT id, household_id, birth_date,"
		" labor_capacity IN ('ordinary', 'skilled', 'weak'), labor_capacity = 'skilled'"
		" FROM persons WHERE status = 'member'", NULL);	/* SQLite: the covering persons_followup */
	while (store_next(r)) {
		int64_t id = store_int(r, 0), hh = store_int(r, 1);
		if (id > p->max_person || hh > p->max_hh)
			continue;
		const char *birth = store_text(r, 2);
		uint16_t f = 0;
		if (store_int(r, 3) && strcmp(birth, d->labor_born_after) > 0 &&
		    strcmp(birth, d->labor_born_by) <= 0)
			f |= PF_LABOR;
		if (strcmp(birth, d->school_born_after) > 0 && strcmp(birth, d->school_born_by) <= 0)
			f |= PF_SCHOOL_AGE;
		if (strcmp(birth, d->pension_born_by) <= 0)
			f |= PF_PENSION_AGE;
		if (store_int(r, 4))
			f |= PF_SKILLED;
		p->p_hh[id] = (int32_t)hh;
		p->p_facts[id] = f;
	}
	if (store_finish(r) != STORE_OK)
		return false;
	/* jobs that began by today: covering today, or since idle_since */
	r = store_query(cx->db, "SELECT person_id, type, main, end_date IS NULL OR end_date >= ?,"
		" end_date IS NULL OR end_date >= ? FROM jobs WHERE start_date <= ?", "ttt",
		d->today, d->idle_since, d->today);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		if (id > p->max_person)
			continue;
		if (store_int(r, 4))
			p->p_facts[id] |= PF_WORKED_RECENTLY;
		int k = job_index(store_text(r, 1));
		if (store_int(r, 3) && k >= 0) {
			p->p_facts[id] |= PF_EMPLOYED;
			if (!p->p_job[id] || store_int(r, 2))	/* the main job's type wins */
				p->p_job[id] = (uint8_t)(k + 1);
		}
	}
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(cx->db, "SELECT person_id, start_date <= ? AND end_date >= ?,"
			" type = 'skills' AND end_date <= ? FROM trainings", "ttt", d->today,
			d->idle_since, d->today);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		if (id <= p->max_person)
			p->p_facts[id] |= PF_TRAINED | (store_int(r, 1) ? PF_TRAINED_RECENTLY : 0) |
					  (store_int(r, 2) ? PF_SKILLED : 0);
	}
	return store_finish(r) == STORE_OK;
}

static bool scan_guarantees(struct ctx *cx, struct followup_pass *p)
{
	const struct followup_dates *d = &p->dates;
	struct store_rows *r = store_query(cx->db, "SELECT person_id, kind FROM guarantees WHERE"
		" status = 'enrolled' AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
		"tt", d->today, d->today);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		const char *kind = store_text(r, 1);
		if (id <= p->max_person)
			p->p_facts[id] |= kind[0] == 'm' && kind[1] == 'e' ? PF_MEDICAL
				: kind[0] == 'p' ? PF_PENSION : PF_MINIMUM_LIVING;
	}
	return store_finish(r) == STORE_OK;
}

/* Schooling and family doctors. */
static bool scan_services(struct ctx *cx, struct followup_pass *p)
{
	struct store_rows *r = store_query(cx->db, "SELECT person_id FROM schooling"
					   " WHERE status = 'enrolled'", NULL);
	while (store_next(r))
		if (store_int(r, 0) <= p->max_person)
			p->p_facts[store_int(r, 0)] |= PF_ENROLLED;
	if (store_finish(r) != STORE_OK)
		return false;
	r = store_query(cx->db, "SELECT person_id FROM family_doctors WHERE signed = 1", NULL);
	while (store_next(r))
		if (store_int(r, 0) <= p->max_person)
			p->p_facts[store_int(r, 0)] |= PF_DOCTOR;
	return store_finish(r) == STORE_OK;
}

/* ---------------------------------------------------------------- the pass */

static bool allocate(struct followup_pass *p, struct side *s)
{
	size_t nh = (size_t)p->max_hh + 1, np = (size_t)p->max_person + 1;
	p->hh_town = malloc(nh * sizeof(int32_t));
	p->hh_comm = malloc(nh * sizeof(int32_t));
	p->hh_facts = calloc(nh, 1);
	p->p_hh = calloc(np, sizeof(int32_t));
	p->p_facts = calloc(np, sizeof(uint16_t));
	p->p_job = calloc(np, 1);
	s->hh_rp = calloc(nh, 1);
	s->hh_sy = calloc(nh, 1);
	s->poor = calloc(nh, 1);
	if (!p->hh_town || !p->hh_comm || !p->hh_facts || !p->p_hh || !p->p_facts || !p->p_job ||
	    !s->hh_rp || !s->hh_sy || !s->poor)
		return false;
	memset(p->hh_town, 0xff, nh * sizeof(int32_t));
	memset(p->hh_comm, 0xff, nh * sizeof(int32_t));
	return true;
}

/* Joins the two threads' findings and derives the household facts from the members. */
static void merge(struct followup_pass *p, const struct side *s)
{
	for (int64_t hh = 0; hh <= p->max_hh; hh++)
		if ((p->hh_facts[hh] & HF_COUNTED) && (s->what & PASS_RULE_FACTS) &&
		    (s->poor[hh] ? checklist_incomplete(&s->checklist, CHECKLIST_REGISTERED_POOR,
							s->hh_rp[hh])
				 : checklist_incomplete(&s->checklist, CHECKLIST_SYNCHRONOUS,
							s->hh_sy[hh])))
			p->hh_facts[hh] |= HF_ARCHIVE_INCOMPLETE;
	for (int64_t id = 0; id <= p->max_person; id++) {
		int32_t hh = p->p_hh[id];
		if (!hh || !(p->hh_facts[hh] & HF_COUNTED)) {
			p->p_facts[id] = 0;
			continue;
		}
		uint16_t f = p->p_facts[id] | PF_COUNTED;
		p->p_facts[id] = f;
		if (f & PF_LABOR) {
			p->hh_facts[hh] |= HF_HAS_LABOR;
			if (f & PF_EMPLOYED)
				p->hh_facts[hh] |= HF_HAS_EMPLOYED;
		}
	}
}

bool followup_pass_run(struct ctx *cx, struct followup_pass *p, unsigned what)
{
	struct side s = {.cx = cx, .p = p, .what = what};
	char err[200];
	int rc;
	bool ok = false, threaded = false;
	pthread_t t;
	memset(p, 0, sizeof(*p));
	if (!followup_settings_load(cx, &p->settings))
		return false;
	followup_dates_for(&p->settings, cx->today, &p->dates);
	p->max_hh = store_one_int(cx->db, &rc, "SELECT coalesce(max(id), 0) FROM households", NULL);
	if (rc == STORE_OK)
		p->max_person = store_one_int(cx->db, &rc, "SELECT coalesce(max(id), 0) FROM persons", NULL);
	if (rc != STORE_OK || !allocate(p, &s))
		goto out;
	/* the second connection sees the same committed data unless a write lands between */
	s.db = store_connect(cx->db->store, err, sizeof(err));
	threaded = s.db && pthread_create(&t, NULL, side_thread, &s) == 0;
	if (!threaded) {	/* one connection, one thread: the same scans, one after another */
		if (s.db)
			store_disconnect(s.db);
		s.db = cx->db;
		side_thread(&s);
	}
	/* the two threads' shares take about as long as each other at province scale */
	ok = scan_people(cx, p) && scan_guarantees(cx, p) && scan_services(cx, p);
	if (threaded) {
		pthread_join(t, NULL);
		store_disconnect(s.db);
	}
	ok = ok && s.ok;
	if (ok)
		merge(p, &s);
out:
	free(s.hh_rp);
	free(s.hh_sy);
	free(s.poor);
	if (!ok)
		followup_pass_release(p);
	return ok;
}
