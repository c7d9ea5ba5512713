/*
 * guarantees: the three guarantees of each person (minimum living allowance, medical
 * insurance, pension insurance).
 *
 * A new guarantee record of a kind ends the person's open record of that kind the day
 * before it starts: history is kept, and the current status is the record covering today.
 */
#ifndef ANJU_DOMAIN_GUARANTEES_H
#define ANJU_DOMAIN_GUARANTEES_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const char *const guarantees_kinds[];
extern const struct ledger guarantees_ledger;
extern const char *const guarantees_statuses[];

enum outcome guarantees_list(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome guarantees_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
/* Inserts a guarantee record without checks (the demo's bulk load); returns a store rc. */
int guarantees_insert(struct ctx *cx, int64_t person_id, const char *kind, const char *status,
		      const char *start, const char *end);

#endif
