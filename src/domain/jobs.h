/*
 * jobs: one person, one volume (一人一卷) — the jobs of each person.
 *
 * At most one main job is current at any time: a main job may not overlap another main
 * job's dates. Ending a job sets its end date; nothing is deleted.
 */
#ifndef ANJU_DOMAIN_JOBS_H
#define ANJU_DOMAIN_JOBS_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const char *const jobs_types[];		/* county, province, outside_province, ... */
extern const struct ledger jobs_ledger;

/* The highest monthly income taken as real (yuan); more is a typing error. */
#define JOBS_MAX_MONTHLY_INCOME 200000

enum outcome jobs_list(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome jobs_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
/* Changes end_date, monthly_income or main of a job under its ETag (ledger_update). */
enum outcome jobs_patch(struct ctx *cx, int64_t job_id, const char *if_match, json_t *body,
			json_t **out);
/* The person a job belongs to when the actor may see them; 0 otherwise. */
int64_t jobs_person_id(struct ctx *cx, int64_t job_id);

/* Inserts a job without checks (the demo's bulk load); returns a store rc. */
int jobs_insert(struct ctx *cx, int64_t person_id, const char *type, int64_t employer_id,
		const char *employer, const char *start, const char *end, int64_t income, int main);

#endif
