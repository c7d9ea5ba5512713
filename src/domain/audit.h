/* audit: the change log. Every change writes one row in the same transaction. */
#ifndef ANJU_AUDIT_H
#define ANJU_AUDIT_H
#include <jansson.h>

#include "domain/actor.h"

/* Records `action` on entity/id with the record before and after (either may be NULL).
 * Returns a store_rc. */
int audit_write(struct ctx *cx, const char *action, const char *entity, int64_t id,
		json_t *before, json_t *after);
/* The audit rows of one entity, newest first, as a JSON array (NULL on error). */
/* The changes to a household, its members and its archive items, newest first, each with
 * the names of the fields it changed ("changed"). NULL on a storage error. */
json_t *audit_household_trail(struct ctx *cx, int64_t household_id, int limit);
json_t *audit_list(struct ctx *cx, const char *entity, int64_t id, int limit);
/* Current time as "YYYY-MM-DDTHH:MM:SSZ". */
void audit_now(char out[21]);
#endif
