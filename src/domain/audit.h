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
json_t *audit_list(struct ctx *cx, const char *entity, int64_t id, int limit);
/* Current time as "YYYY-MM-DDTHH:MM:SSZ". */
void audit_now(char out[21]);
#endif
