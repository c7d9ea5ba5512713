/*
 * hall: the two halls (两馆) — the Tuanshan Homesickness Hall and the Yucai Urban Experience
 * Hall — as facilities of the hall kinds (hall_kinds), with their sections or chapters in
 * order (感恩, 寻根, 记忆, 展望), their exhibits and their visits.
 *
 * An exhibit is a picture, an object, a recording or a video. Its media are an archive item
 * of a household that lives in the hall's community (a donation stays in the donor's file,
 * "one household, one file"); an object the hall holds itself may be described without an
 * item. Whoever sees the hall sees its exhibits, and their files through the archive's file
 * routes: the item's household lives in the hall's community, so every user whose scope
 * covers the hall covers the household too; items of the types whose pictures the masks
 * cannot hide (privacy_withholds_doc_type) are refused.
 *
 * Scope: a hall belongs to a community; outside the actor's scope it does not exist (404).
 */
#ifndef ANJU_HALL_H
#define ANJU_HALL_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const hall_kinds[];		/* homesickness_hall, experience_hall */
extern const char *const hall_exhibit_kinds[];	/* picture, object, audio, video */

/* What a list of halls, exhibits or visits is filtered by; every list pages by id. */
struct hall_filter {
	int64_t hall_id;	/* 0: every hall within the scope */
	const char *community;	/* a division code prefix, or NULL */
	const char *kind;	/* halls: a hall kind; exhibits: an exhibit kind; or NULL */
	char from[11], to[11];	/* visits: the days, "" for open ends */
	int64_t household_id;	/* visits: those that represented the household; 0 any */
	int64_t after;		/* keyset: rows past this id (visits: before it, newest first) */
	int limit;
};

/* {"items": [{id, community_code, community_name, kind, name, address, area_m2,
 * opening_hours, status, sections, exhibits, visits, visitors}], "next"}: the halls within
 * the scope, with their visits and visitors between from and to. */
enum outcome hall_list(struct ctx *cx, const struct hall_filter *f, json_t **out);
/* OUT_OK when the hall is within the scope, else OUT_NOT_FOUND (OUT_INTERNAL: the store). */
enum outcome hall_visible(struct ctx *cx, int64_t id);
/* One hall with its sections in order, each with its exhibits in order. */
enum outcome hall_get(struct ctx *cx, int64_t id, json_t **out);
/* {"name", "description", "position"} → a new section of the hall (position: after the
 * last when not given). */
enum outcome hall_section_create(struct ctx *cx, int64_t hall_id, json_t *body, json_t **out);
/* {"section_id", "kind", "title", "description", "item_id", "position"} → a new exhibit.
 * The section must be the hall's; the item one the actor sees, of a household living in
 * the hall's community, active, not withheld, with a file of the exhibit's kind (a picture
 * an image, audio a recording, a video a video; an object any or no item). */
enum outcome hall_exhibit_create(struct ctx *cx, int64_t hall_id, json_t *body, json_t **out);
/* {"items": [...], "next"}: the exhibits of a hall (or of every hall in scope) in order. */
enum outcome hall_exhibit_list(struct ctx *cx, const struct hall_filter *f, json_t **out);
/* {"visited_on", "group_name", "people", "households": [ids], "guide", "note"} → a new
 * visit: a day not in the future, at least one person, households the actor sees. */
enum outcome hall_visit_create(struct ctx *cx, int64_t hall_id, json_t *body, json_t **out);
/* {"items": [...], "next"}: visits, newest first. */
enum outcome hall_visit_list(struct ctx *cx, const struct hall_filter *f, json_t **out);
/* {"from", "to", "halls": [{id, name, kind, community_name, visits, visitors,
 * by_month: [{month, from, to, visits, visitors}]}]}: visitors per hall and month between
 * from and to ("" for the twelve months up to today). */
enum outcome hall_figures(struct ctx *cx, const char *from, const char *to, json_t **out);
/* The people of every visit to halls of `kind` in communities within [lo, hi) ("" lo:
 * all); -1 on a storage error. */
int64_t hall_visitors(struct ctx *cx, const char *kind, const char *lo, const char *hi);
#endif
