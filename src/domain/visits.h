/*
 * visits: a household's visits and return visits.
 *
 *   GET  /households/{id}/visits   {"items": [...]}, newest first
 *   POST /households/{id}/visits   records one visit {"date", "kind", "visitor", "found"};
 *                                  visits are never rewritten
 */
#ifndef ANJU_DOMAIN_VISITS_H
#define ANJU_DOMAIN_VISITS_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const char *const visits_kinds[];
extern const struct ledger visits_ledger;

enum outcome visits_list(struct ctx *cx, int64_t household_id, json_t **out);
enum outcome visits_create(struct ctx *cx, int64_t household_id, json_t *body, json_t **out);

#endif
