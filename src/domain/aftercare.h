/*
 * aftercare: a household's ledgers during and after relocation — the relocation steps with
 * the people answerable for the household, the three plots left behind, and visits.
 *
 *   GET/PUT /households/{id}/steps   {"responsible_person", "responsible_phone",
 *                                     "village_command", "town_command",
 *                                     "steps": [{"step", "due_date", "done_date", "done_by",
 *                                                "evidence_item_id"}]}
 *   GET/PUT /households/{id}/plots   {"plots": [{"kind", "area_mu", "use", "annual_income"}]}
 *   GET/PUT /households/{id}/visits  GET lists; PUT (or POST) records one visit
 *                                     {"date", "kind", "visitor", "found"} — visits are
 *                                     never rewritten.
 *
 * A PUT of steps or plots replaces the household's set as a whole (the audit row keeps
 * the set before and after).
 */
#ifndef ANJU_DOMAIN_AFTERCARE_H
#define ANJU_DOMAIN_AFTERCARE_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const relocation_steps[];	/* in order */
extern const char *const plot_kinds[];
extern const char *const plot_uses[];
extern const char *const visit_kinds[];

enum outcome steps_get(struct ctx *cx, int64_t household_id, json_t **out);
enum outcome steps_put(struct ctx *cx, int64_t household_id, json_t *body, json_t **out);
enum outcome plots_get(struct ctx *cx, int64_t household_id, json_t **out);
enum outcome plots_put(struct ctx *cx, int64_t household_id, json_t *body, json_t **out);
enum outcome visits_get(struct ctx *cx, int64_t household_id, json_t **out);
/* Progress of the relocation steps by origin town: households, how many have a responsible
 * person, how many have done each step, how many have a step overdue (today). */
enum outcome relocation_progress(struct ctx *cx, json_t **out);
enum outcome visit_create(struct ctx *cx, int64_t household_id, json_t *body, json_t **out);

#endif
