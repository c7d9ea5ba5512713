/*
 * lookup: records named the way the people who keep them know them — a household by its
 * number (户编号), a person by their ID number or as a member of a household, an archive
 * item picked from its household's list — never by an internal id. Every form of the pages
 * that names a household or a person goes through here.
 *
 * Scoped like every write (SCOPE_SQL): a household or person outside the actor's scope is
 * not found, the same answer as one that does not exist, so a lookup tells no one what
 * lies beyond their area.
 */
#ifndef ANJU_LOOKUP_H
#define ANJU_LOOKUP_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* A number as people type it, into out (size bytes): surrounding spaces (also the
 * ideographic space U+3000) dropped, full-width digits, letters and '-' read as ASCII.
 * False when nothing is left or it does not fit. */
bool lookup_clean(const char *typed, char *out, size_t size);
/* The household numbered `number` (cleaned as lookup_clean does, then exact) in the
 * actor's scope: OUT_OK with *id; OUT_NOT_FOUND when no household in scope has that
 * number; OUT_INTERNAL on a storage error. */
enum outcome lookup_household(struct ctx *cx, const char *number, int64_t *id);
/* The person whose ID number is `id_number` (cleaned; a lower-case x read as X, an old
 * 15-digit number as its 18-digit form), in the actor's scope, still a member or not:
 * OUT_OK with *id and *household_id; OUT_NOT_FOUND for a number no one in scope has (also
 * one that cannot be an ID number); OUT_INTERNAL on a storage error. */
enum outcome lookup_person(struct ctx *cx, const char *id_number, int64_t *id,
			   int64_t *household_id);
/* Household `id` as a form offers it, when it is in the actor's scope: {"id", "number",
 * "members": [{"id", "name", "relation"}] (its current members, the head first)}. No ID
 * number, no phone: only what a worker needs to pick a member. OUT_NOT_FOUND outside the
 * scope, OUT_INTERNAL on a storage error; *out is the caller's on OK. */
enum outcome lookup_household_card(struct ctx *cx, int64_t id, json_t **out);
/* True when person `person_id` is a current member of household `household_id`. */
bool lookup_is_member(struct ctx *cx, int64_t household_id, int64_t person_id);
/* True when archive item `item_id` is an active item of household `household_id` (an
 * item is picked from its household's list, never typed). */
bool lookup_item_of(struct ctx *cx, int64_t item_id, int64_t household_id);
/* The buildings of the resettlement sites within the actor's scope, to pick from (a
 * volunteer's buildings): [{"id", "site", "name"}] by site and name; none for a volunteer.
 * *out is the caller's on OK; OUT_INTERNAL on a storage error. */
enum outcome lookup_buildings(struct ctx *cx, json_t **out);
#endif
