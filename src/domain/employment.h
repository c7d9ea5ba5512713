/*
 * employment: one person, one volume (一人一卷) — jobs and trainings of each person, and
 * the register of employers (among them the community's "three places").
 *
 * At most one main job is current at any time: a main job may not overlap another main
 * job's dates. Ending a job sets its end date; nothing is deleted.
 */
#ifndef ANJU_DOMAIN_EMPLOYMENT_H
#define ANJU_DOMAIN_EMPLOYMENT_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const job_types[];		/* county, province, outside_province, ... */
extern const char *const training_types[];	/* orientation, skills, entrepreneurship */
extern const char *const employer_kinds[];

/* The highest monthly income taken as real (yuan); more is a typing error. */
#define JOB_MAX_MONTHLY_INCOME 200000

enum outcome jobs_list(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome job_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
/* Changes end_date, monthly_income or main of a job. */
enum outcome job_patch(struct ctx *cx, int64_t job_id, json_t *body, json_t **out);
/* The person a job belongs to when the actor may see them; 0 otherwise. */
int64_t job_person_id(struct ctx *cx, int64_t job_id);
enum outcome trainings_list(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome training_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
enum outcome employers_list(struct ctx *cx, json_t **out);
enum outcome employer_create(struct ctx *cx, json_t *body, json_t **out);

/* Inserts a job without checks (the demo's bulk load); returns a store rc. */
int job_insert(struct ctx *cx, int64_t person_id, const char *type, int64_t employer_id,
	       const char *employer, const char *start, const char *end, int64_t income, int main);
int training_insert(struct ctx *cx, int64_t person_id, const char *type, const char *course,
		    double hours, const char *start, const char *end, const char *certificate);

#endif
