/*
 * guarantee: the three guarantees of each person (minimum living allowance, medical
 * insurance, pension insurance) and two of the "three issues" — schooling of school-age
 * children and the family-doctor sign-up.
 *
 * A new guarantee record of a kind ends the person's open record of that kind the day
 * before it starts: history is kept, and the current status is the record covering today.
 */
#ifndef ANJU_DOMAIN_GUARANTEE_H
#define ANJU_DOMAIN_GUARANTEE_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const guarantee_kinds[];
extern const char *const guarantee_statuses[];

enum outcome guarantees_list(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome guarantee_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
/* GET/PUT /persons/{id}/schooling: {status, school, grade, reason}. */
enum outcome schooling_get(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome schooling_put(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
/* GET/PUT /persons/{id}/family-doctor: {signed, date, doctor}. */
enum outcome family_doctor_get(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome family_doctor_put(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);

int guarantee_insert(struct ctx *cx, int64_t person_id, const char *kind, const char *status,
		     const char *start, const char *end);

#endif
