/*
 * schooling: one of the "three issues" — the schooling of each school-age child.
 *
 *   GET/PUT /persons/{id}/schooling   {"items": [{status, school, grade, reason}]}
 *
 * A PUT (ledger_replace, under the ETag of the GET) replaces the record: its fields and
 * check are the descriptor's.
 */
#ifndef ANJU_DOMAIN_SCHOOLING_H
#define ANJU_DOMAIN_SCHOOLING_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const struct ledger schooling_ledger;

enum outcome schooling_get(struct ctx *cx, int64_t person_id, json_t **out);

#endif
