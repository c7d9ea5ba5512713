/* trainings: the trainings of each person (orientation, skills, entrepreneurship). */
#ifndef ANJU_DOMAIN_TRAININGS_H
#define ANJU_DOMAIN_TRAININGS_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const char *const trainings_types[];
extern const struct ledger trainings_ledger;

enum outcome trainings_list(struct ctx *cx, int64_t person_id, json_t **out);
enum outcome trainings_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out);
/* Inserts a training without checks (the demo's bulk load); returns a store rc. */
int trainings_insert(struct ctx *cx, int64_t person_id, const char *type, const char *course,
		     double hours, const char *start, const char *end, const char *certificate);

#endif
