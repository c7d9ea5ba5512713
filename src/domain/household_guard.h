/*
 * household_guard: what every record filed under a household (members, items, ledgers)
 * asks of it before and after a write — may this actor write under it now, and "the
 * household changed" (its version, the ETag, moves on).
 *
 * It sits below household.c and person.c, which both need it: a household is created with
 * its members (household.c calls person.c), and a member's change is checked against and
 * recorded on its household (person.c calls this file), so neither includes the other's
 * header both ways.
 */
#ifndef ANJU_DOMAIN_HOUSEHOLD_GUARD_H
#define ANJU_DOMAIN_HOUSEHOLD_GUARD_H
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* OK when the household is visible, open and the actor may edit the registry;
 * NOT_FOUND, CONFLICT (closed, with a field error) or FORBIDDEN otherwise. */
enum outcome household_guard_writable(struct ctx *cx, int64_t id);
/* The same for the roles `may` admits (role_can_visit: a volunteer's visits and needs of
 * the households assigned to it). */
enum outcome household_guard_writable_by(struct ctx *cx, int64_t id, bool (*may)(enum role));
/* The same for archive work (archivists may add items, not edit the registry). */
enum outcome household_guard_writable_archive(struct ctx *cx, int64_t id);
/* Bumps the version (the ETag) after a change to the household or anything filed under
 * it. Returns a store_rc. */
int household_guard_touch(struct ctx *cx, int64_t id);
/* Who asked for a service or filed a petition: the household (and its destination
 * community, "" when none) of person_id, or else of household_id, when the actor may see
 * it; OUT_NOT_FOUND outside the actor's scope, OUT_INTERNAL when the store failed. */
enum outcome household_guard_requester(struct ctx *cx, int64_t person_id,
				       int64_t household_id, int64_t *hh, char dest[16]);
/* Who asked, as a body names them (a petition, a service request): person_id and
 * household_id as given (0: not given). Neither: OUT_OK, *hh and dest left as they are.
 * Else household_guard_requester of the person, or else of the household; when both are
 * given and the person is not of that household, "household_id" person_not_in_household
 * goes to cx->errs (still OUT_OK: the caller answers every error at once). */
enum outcome household_guard_asked_by(struct ctx *cx, int64_t person_id,
				      int64_t household_id, int64_t *hh, char dest[16]);
#endif
