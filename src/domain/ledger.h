/*
 * ledger: what the follow-up ledgers share — rows as JSON, the checks before a person's or
 * a household's ledger is read or written, and the tail of every ledger write (the
 * household's version moves on, the change is audited).
 */
#ifndef ANJU_DOMAIN_LEDGER_H
#define ANJU_DOMAIN_LEDGER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* Rows of a query as a JSON array of objects: `names` is a space-separated list of keys,
 * `kinds` one character per column: 'i' integer, 'r' real, 't' text, 'b' boolean (NULL
 * columns become null). NULL on a storage error. */
json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...);

/* A person visible to the actor (OUT_NOT_FOUND otherwise); with `write`, also a current
 * member of an open household, and the actor may keep registry ledgers. *person is the
 * person's JSON (the caller releases it) when the answer is OK. */
enum outcome ledger_person(struct ctx *cx, int64_t person_id, bool write, json_t **person);
/* OUT_OK when the person is visible to the actor (for reading their ledgers). */
enum outcome ledger_person_visible(struct ctx *cx, int64_t person_id);
/* {"items": rows} in *out; OUT_INTERNAL (and *out NULL) when rows is NULL. Takes rows. */
enum outcome ledger_items(json_t *rows, json_t **out);
/* The same for a household's ledgers. */
enum outcome ledger_household(struct ctx *cx, int64_t household_id, bool write, json_t **household);

/* Opens the write transaction of a household's ledger: the body is an object, the
 * household exists and the actor may change it; keys outside `allowed` are reported in
 * cx->errs (the caller checks the rest, then ends with tx_end). On any other answer than
 * OUT_OK the transaction is already closed. */
enum outcome ledger_begin_household(struct ctx *cx, int64_t household_id, json_t *body,
				    const char *const *allowed);
/* The same for a person's ledger (a current member of an open household); *person is the
 * person's JSON when the answer is OK (the caller releases it), NULL otherwise. */
enum outcome ledger_begin_person(struct ctx *cx, int64_t person_id, json_t *body,
				 const char *const *allowed, json_t **person);
/* The tail of every ledger write, inside its transaction: the household's version moves
 * on (its ETag) and the change is audited as `action` on entity/id. Returns a store rc. */
int ledger_recorded(struct ctx *cx, int64_t household_id, const char *action,
		    const char *entity, int64_t id, json_t *before, json_t *after);
/* Ends a write that replaced a household's set (steps, plots): reads the set back with
 * `get` into *out, records the change (before → after) and ends the transaction. Takes
 * `before`. */
enum outcome ledger_replaced(struct ctx *cx, int64_t household_id, const char *entity, int rc,
			     json_t *before,
			     enum outcome (*get)(struct ctx *, int64_t, json_t **), json_t **out);

/* A date no later than a year from today (a record of what happened or is agreed), or
 * NULL with "date_too_far_ahead" (or jx_date's code) in cx->errs. */
const char *ledger_planned_date(struct ctx *cx, json_t *body, const char *key, bool required);

/* "2019-05-01" as a day number; -1 for NULL or bad text. */
long ledger_day(const char *date);
/* Age in whole years on `day` of a person born on the YYYY-MM-DD `birth`. */
int ledger_age(const char *birth, long day);

#endif
