/*
 * record: what every kind of record with an id and a version (a petition, a service
 * request, a business, an evaluation scheme, an activity, a facility, an archive item)
 * does the same way, so that each kind's file says only what is its own: its ETag,
 * "one record, read within the actor's scope, the read audited", and a page of its list.
 *
 * A new domain file with records of that shape writes its `static json_t *X_load(cx, id)`
 * (NULL outside the scope or when there is none) and then:
 *
 *     void X_etag(json_t *x, char out[48]) { record_etag('x', x, out); }
 *     enum outcome X_get(struct ctx *cx, int64_t id, json_t **out)
 *     {
 *             return record_get(cx, X_load, "x", id, out);
 *     }
 */
#ifndef ANJU_DOMAIN_RECORD_H
#define ANJU_DOMAIN_RECORD_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* The ETag of a record: "\"<letter><id>-<version>\"" from its "id" and "version" (the
 * letter tells the kinds apart: "t" petitions, "s" service requests, ...). */
void record_etag(char letter, json_t *record, char out[48]);
/* One record by load(cx, id): OUT_OK with *out and its read audited once as `entity`
 * ("read", one record); OUT_NOT_FOUND when load finds none in the actor's scope;
 * OUT_INTERNAL when a query failed (*out NULL on both). */
enum outcome record_get(struct ctx *cx, json_t *(*load)(struct ctx *cx, int64_t id),
			const char *entity, int64_t id, json_t **out);
/* A page of a list read by keyset (`... AND t.id > ? ORDER BY t.id LIMIT limit + 1`):
 * {"items": the first `limit` rows, "next": the last item's `key` ("id", or the key the
 * list is ordered by) as text, or null when there was no row beyond}. Takes rows (NULL, a
 * failed read: OUT_INTERNAL). */
enum outcome record_page(struct ctx *cx, json_t *rows, int limit, const char *key,
			 json_t **out);
#endif
