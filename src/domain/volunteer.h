/*
 * volunteer: 困难大家帮, the volunteers of a community (party members 党员, building leaders
 * 楼栋长, others) with their posts, and the households assigned to each: one-to-one and
 * point-to-point (a household), building-to-building (a building of a site: every open
 * household living in it).
 *
 * A volunteer account's scope is its assignments (actor.h): it reads, and records visits
 * and needs for, the households assigned to it and no other; with none it sees nothing.
 * Assignments are set by an administrator, or by a town or community officer whose scope
 * covers the volunteer's community, and only to households and buildings within the
 * setter's own scope.
 */
#ifndef ANJU_VOLUNTEER_H
#define ANJU_VOLUNTEER_H
#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const volunteer_kinds[];	/* party_member, building_leader, other */

/* {"user_id", "username", "scope", "kind", "post", "households": [{id, number}],
 * "buildings": [{id, name, site}], "reach": households reached}: the volunteer's
 * assignments, for the volunteer or a user who may set them (else OUT_NOT_FOUND). */
enum outcome volunteer_assignments_get(struct ctx *cx, int64_t user_id, json_t **out);
/* {"households": [ids], "buildings": [ids], "kind", "post"} replaces the volunteer's
 * assignments (and, when given, its kind and post). A user who is no volunteer the actor
 * may manage is OUT_NOT_FOUND; an id unknown or outside the actor's scope is a field error
 * (households[i] unknown_household, buildings[i] unknown_building), nothing changed. Each
 * household added or removed one by one gets an audit row of its own (its change trail).
 * What is sent again as it is writes nothing and sets cx->unchanged. */
enum outcome volunteer_assignments_put(struct ctx *cx, int64_t user_id, json_t *body,
				       json_t **out);
/* {"items": [{user_id, username, scope, kind, post, households, buildings, reach}]}: the
 * volunteers whose community lies in the actor's scope. */
enum outcome volunteer_list(struct ctx *cx, json_t **out);
/* {"items": [{id, number, head_name, dest_community, building, room, last_visit,
 * open_needs, overdue_needs}]}: the households the acting volunteer reaches (for other
 * roles: none), by number. */
enum outcome volunteer_my_households(struct ctx *cx, json_t **out);
#endif
