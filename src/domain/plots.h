/*
 * plots: the three plots a household left behind (contracted land, forest, homestead).
 *
 *   GET/PUT /households/{id}/plots   {"items": [{"kind", "area_mu", "use", "annual_income"}]}
 *
 * A PUT (ledger_replace, under the ETag of the GET) replaces the household's plots as a
 * whole (the audit row keeps the set before and after); "items" is required ([] clears
 * the set) and the old key "plots" is refused with unknown_field.
 */
#ifndef ANJU_DOMAIN_PLOTS_H
#define ANJU_DOMAIN_PLOTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const char *const plots_kinds[];
extern const struct ledger plots_ledger;
extern const char *const plots_uses[];

enum outcome plots_get(struct ctx *cx, int64_t household_id, json_t **out);

#endif
