/*
 * needs: the needs ledger (台账) of a household, 困难大家帮: a need raised (from a visit, a
 * service request or a petition of the household, or otherwise), its category (a
 * configurable list), the measure taken, its owner, the day it is due and, once resolved,
 * when and by whom. A ledger of rows (domain/ledger.h): listed, appended and changed (the
 * measure, the owner, the due day) as every ledger is; a volunteer raises needs of the
 * households assigned to it. Resolving is its own step (need_resolve), once.
 *
 * Across households: the open-needs worklist (overdue first) and the figures, within the
 * scope (a volunteer: its households).
 */
#ifndef ANJU_NEEDS_H
#define ANJU_NEEDS_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const struct ledger needs_ledger;
extern const char *const needs_sources[];	/* visit, service_request, petition, other */

/* {"items": [{code, name_zh, name_en, active}]}. */
enum outcome need_categories_list(struct ctx *cx, json_t **out);
/* The records a need of the household may come from, newest first: {"items": [{source
 * (visit, service_request, petition), id, date, text (a visit's findings, a request's
 * note, a petition's content unless anonymous; at most 30 characters), name_zh, name_en (a request's
 * matter, a petition's category; null for a visit)}]}. OUT_NOT_FOUND when the household
 * is out of sight. */
enum outcome needs_source_records(struct ctx *cx, int64_t household_id, json_t **out);
/* Resolves an open need the actor may see and may visit (role_can_visit): {"measure"}
 * optional (the measure taken, kept with it). A need resolved already is a field error
 * (resolved: need_already_resolved), nothing changed. *out is the need. */
enum outcome need_resolve(struct ctx *cx, int64_t id, json_t *body, json_t **out);

struct need_filter {
	const char *status;	/* open, resolved, or NULL: both */
	bool overdue;		/* open and past its due day */
	const char *category;
	const char *community;	/* a division code prefix of the household's destination */
	int64_t household_id;
	int64_t offset;		/* rows skipped (the list is ordered by due day) */
	int limit;
};
/* {"items": [need + household_number, dest_community], "next": offset or null}: open
 * needs first, by due day (the overdue at the top), then resolved ones, newest first. */
enum outcome need_list(struct ctx *cx, const struct need_filter *f, json_t **out);
/* {"totals": {needs, open, overdue, resolved, resolved_in_time}, "by_category": [the same
 * with key, name]} within the scope and the community prefix, if any. */
enum outcome need_figures(struct ctx *cx, const char *community, json_t **out);
#endif
