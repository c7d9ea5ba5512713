/*
 * followup_pass: the facts the follow-up rules and the employment report are computed
 * from, for every person and household in scope, in one pass of sequential scans (two
 * connections in two threads) joined in memory by id. At a province's two million people
 * this takes about a second where a query per rule, probing an index per person, took ten.
 *
 * The rules are data: followup_rules.condition is a list of facts, each optionally negated
 * with '!', that must all hold — e.g. "relocated labor !worked_recently !trained_recently" —
 * or several such lists separated by '|', of which one must hold.
 * Person facts and household facts (of the person's household) may be mixed in a person
 * rule; a household rule uses household facts only. The facts, on today's date and with
 * the ages and periods of followup_settings:
 *
 *   person:    labor (aged labor_age_min..max, ordinary/skilled/weak capacity), school_age,
 *              pension_age, employed (a job covering today), worked_recently (a job since
 *              idle_since), trained, trained_recently (a training ending since idle_since),
 *              medical, pension, minimum_living (an enrolled record covering today),
 *              enrolled (schooling), doctor (family doctor signed), skilled (skilled
 *              capacity, or a skills training finished)
 *   household: relocated (relocated or settled), has_labor, has_employed (a labor-force
 *              member employed), archive_incomplete (a required document type missing),
 *              step_overdue (a step not done past due_before), visited_recently (a visit
 *              since visited_since)
 *
 * Persons counted are members of households in scope that are not closed.
 */
#ifndef ANJU_DOMAIN_FOLLOWUP_PASS_H
#define ANJU_DOMAIN_FOLLOWUP_PASS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/actor.h"
#include "domain/followup.h"

enum {
	PF_COUNTED = 1 << 0, PF_LABOR = 1 << 1, PF_SCHOOL_AGE = 1 << 2, PF_PENSION_AGE = 1 << 3,
	PF_EMPLOYED = 1 << 4, PF_WORKED_RECENTLY = 1 << 5, PF_TRAINED = 1 << 6,
	PF_TRAINED_RECENTLY = 1 << 7, PF_MEDICAL = 1 << 8, PF_PENSION = 1 << 9,
	PF_MINIMUM_LIVING = 1 << 10, PF_ENROLLED = 1 << 11, PF_DOCTOR = 1 << 12,
	PF_SKILLED = 1 << 13,
};
enum {
	HF_COUNTED = 1 << 0, HF_RELOCATED = 1 << 1, HF_HAS_LABOR = 1 << 2, HF_HAS_EMPLOYED = 1 << 3,
	HF_ARCHIVE_INCOMPLETE = 1 << 4, HF_STEP_OVERDUE = 1 << 5, HF_VISITED_RECENTLY = 1 << 6,
	HF_REGISTERED_POOR = 1 << 7,	/* the category, for the county figures; not a rule fact */
};

/* What a pass reads besides the people: plots for the report, the archive, steps and
 * visits for the rules. */
enum { PASS_PLOTS = 1, PASS_RULE_FACTS = 2 };

#define PASS_CODE 16

struct followup_pass {
	struct followup_settings settings;
	struct followup_dates dates;
	int64_t max_hh, max_person;
	int32_t *hh_town, *hh_comm;	/* index into towns/comms; -1 when not counted */
	uint8_t *hh_facts;
	int32_t *p_hh;			/* the person's household */
	uint16_t *p_facts;
	uint8_t *p_job;			/* 0 none, else 1 + index in jobs_types (the main job's) */
	char (*towns)[PASS_CODE], (*comms)[PASS_CODE];
	int ntowns, ncomms;
	/* plots (PASS_PLOTS): area in mu by use (transferred, shares, reclaimed, self_farmed,
	 * idle) for the whole scope, each town and each community */
	double county_mu[5], (*town_mu)[5], (*comm_mu)[5];
};

/* A rule's condition as masks: in one of the groups, every `need` bit set and no `not`. */
#define CONDITION_GROUPS 4
struct fact_group {
	uint16_t p_need, p_not;
	uint8_t h_need, h_not;
};
struct fact_condition {
	int ngroups;
	struct fact_group g[CONDITION_GROUPS];
};

bool followup_pass_run(struct ctx *cx, struct followup_pass *p, unsigned what);
/* Frees what a run allocated inside *p (not *p itself, which the caller owns). */
void followup_pass_release(struct followup_pass *p);
/* Parses "relocated labor !employed | ..."; false with the bad word in *bad (a log line). */
bool followup_pass_condition_parse(const char *text, bool household_level, struct fact_condition *c,
			  const char **bad);
static inline bool person_meets(const struct followup_pass *p, int64_t id,
				const struct fact_condition *c)
{
	uint16_t f = p->p_facts[id];
	uint8_t h = p->hh_facts[p->p_hh[id]];
	for (int i = 0; i < c->ngroups; i++)
		if ((f & c->g[i].p_need) == c->g[i].p_need && !(f & c->g[i].p_not) &&
		    (h & c->g[i].h_need) == c->g[i].h_need && !(h & c->g[i].h_not))
			return true;
	return false;
}
static inline bool household_meets(const struct followup_pass *p, int64_t id,
				   const struct fact_condition *c)
{
	uint8_t h = p->hh_facts[id];
	for (int i = 0; i < c->ngroups; i++)
		if ((h & c->g[i].h_need) == c->g[i].h_need && !(h & c->g[i].h_not))
			return true;
	return false;
}

#endif
