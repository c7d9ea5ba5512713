/*
 * facility: the facilities of a community (service centres, medical station, police office,
 * library, convenience supermarkets, the two halls, and kinds a community adds), and the
 * windows (窗口) of a centre with the departments serving at each.
 *
 * Scope: a facility belongs to a community; a user sees the facilities of communities
 * within their scope, and outside it a facility does not exist for them (404).
 */
#ifndef ANJU_FACILITY_H
#define ANJU_FACILITY_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const facility_statuses[];	/* open, planned, closed */

struct facility_filter {
	const char *community;	/* a division code (any level) or NULL: all within scope */
	const char *kind;	/* a kind's code or NULL */
	int64_t after;		/* keyset: facilities with a larger id */
	int limit;
};

/* {"items": [{code, name_zh, name_en, has_windows, facilities}]}: the configurable kinds,
 * with the number of facilities of each within the actor's scope. */
enum outcome facility_kinds_list(struct ctx *cx, json_t **out);
/* {"code", "name_zh", "name_en", "has_windows"} adds a kind, or renames one (administrators). */
enum outcome facility_kind_put(struct ctx *cx, json_t *body, json_t **out);
/* {"items": [{code, name_zh, name_en}]}: the departments. */
enum outcome facility_departments(struct ctx *cx, json_t **out);
/* {"items": [...], "next": "id" or null}: facilities within the actor's scope and the
 * filter, by id. An unknown kind is a field error (kind, unknown_value). */
enum outcome facility_list(struct ctx *cx, const struct facility_filter *f, json_t **out);
/* One facility with its windows and their departments; OUT_NOT_FOUND outside the scope. */
enum outcome facility_get(struct ctx *cx, int64_t id, json_t **out);
/* {"community_code", "kind", "name", "address", "area_m2", "opening_hours", "contact",
 * "status"} → the new facility. */
enum outcome facility_create(struct ctx *cx, json_t *body, json_t **out);
/* {"name", "address", "area_m2", "opening_hours", "contact", "status"}: changes what the body
 * names under the facility's ETag (tx_begin_change: If-Match required); the community and
 * the kind stay. */
enum outcome facility_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			    json_t **out);
void facility_etag(json_t *facility, char out[48]);
/* {"name", "departments": [codes]} → a new window of the facility (its kind must have
 * windows), with the departments serving at it. */
enum outcome facility_add_window(struct ctx *cx, int64_t facility_id, json_t *body, json_t **out);
/* The windows within the actor's scope as options: [{id, name, facility}] (forms). NULL on
 * a storage error. */
json_t *facility_window_options(struct ctx *cx);
/* Facilities of `kind` that are open, in communities within [lo, hi) ("" lo: all); -1 on a
 * storage error. */
int64_t facility_count_open(struct ctx *cx, const char *kind, const char *lo, const char *hi);
#endif
