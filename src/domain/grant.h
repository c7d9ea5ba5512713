/*
 * grant: break-the-glass. A user who must see a household outside their scope (a family
 * calls a town office about a household registered elsewhere) gives the household's number,
 * or a member's ID number, and a reason; the grant lets that user read that household, its
 * members, its archive items and files for a limited time (READ_SCOPE_SQL in actor.h), and
 * never change them. Lists and reports stay within scope. Every grant is audited and shown
 * to admins and auditors for review.
 */
#ifndef ANJU_GRANT_H
#define ANJU_GRANT_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* body: {"household_id": N} or {"number": household number or a member's ID number}, and
 * {"reason": text}. Creates a grant lasting `hours`. *out: the grant. */
enum outcome grant_create(struct ctx *cx, json_t *body, int hours, json_t **out);
/* Grants newest first: every grant when `all` (admins, auditors), else the actor's own.
 * Only the live ones when `live_only`. *out: {"items": [...]} */
enum outcome grant_list(struct ctx *cx, bool all, bool live_only, json_t **out);
#endif
