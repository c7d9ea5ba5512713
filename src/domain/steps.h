/*
 * steps: a household's relocation steps with the people answerable for it.
 *
 *   GET/PUT /households/{id}/steps   {"responsible_person", "responsible_phone",
 *                                     "village_command", "town_command",
 *                                     "items": [{"step", "due_date", "done_date", "done_by",
 *                                                "evidence_item_id"}]}
 *
 * A PUT (ledger_replace, under the ETag of the GET) replaces the household's steps and
 * the people answerable as a whole (the audit row keeps the set before and after): a field
 * left out is gone as if it were null, "items" is required ([] clears the steps), and a
 * key that is not the contract (the old "steps") is refused with unknown_field. A step
 * done before the one before it is DATE_ORDER (core/date_rule.h) on "steps.<step>".
 */
#ifndef ANJU_DOMAIN_STEPS_H
#define ANJU_DOMAIN_STEPS_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/ledger.h"

extern const char *const steps_names[];	/* in the order of the process */
extern const struct ledger steps_ledger;

enum outcome steps_get(struct ctx *cx, int64_t household_id, json_t **out);
/* Progress of the relocation steps by origin town: households, how many have a responsible
 * person, how many have done each step, how many have a step overdue (today). */
enum outcome steps_progress(struct ctx *cx, json_t **out);

#endif
