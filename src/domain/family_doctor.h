/*
 * family_doctor: one of the "three issues" — each person's family-doctor sign-up.
 *
 *   GET/PUT /persons/{id}/family-doctor   {"items": [{signed, date, doctor}]}
 *
 * A PUT (ledger_replace, under the ETag of the GET) replaces the record: its fields and
 * check are the descriptor's.
 */
#ifndef ANJU_DOMAIN_FAMILY_DOCTOR_H
#define ANJU_DOMAIN_FAMILY_DOCTOR_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const struct ledger family_doctor_ledger;

enum outcome family_doctor_get(struct ctx *cx, int64_t person_id, json_t **out);

#endif
