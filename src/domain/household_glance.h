/*
 * household_glance: what a household's page says on its first screen besides its record —
 * the follow-up gaps a worker comes to close that the record itself does not hold: the
 * labor-force members without a job covering today, and whether a visit is overdue (none
 * in the visit_days setting), by the same settings and dates as the worklists' rules.
 */
#ifndef ANJU_DOMAIN_HOUSEHOLD_GLANCE_H
#define ANJU_DOMAIN_HOUSEHOLD_GLANCE_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* {"jobless_labor": [{"id", "name"}], "last_visit": "YYYY-MM-DD" or null,
 *  "visit_overdue": bool, "visit_days": N} for household `id`, which the caller has read
 * in the actor's scope (household_get) in the same snapshot. */
enum outcome household_glance(struct ctx *cx, int64_t id, json_t **out);

#endif
