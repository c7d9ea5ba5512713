/*
 * activity: 邻里大家走, the activities of a community (title, kind from the configurable
 * list, day, place, organiser), who attended them (persons), and participation counted by
 * household over a period.
 *
 * Scope: an activity belongs to a community; a user sees the activities of communities
 * within their scope, and outside it an activity does not exist for them (404). Only
 * persons the user may see can be added as attendees (another is 404). Attendance is filed
 * under the attendee's household: its audit rows (entity "attendance", the household's id)
 * are in the household's change trail.
 */
#ifndef ANJU_ACTIVITY_H
#define ANJU_ACTIVITY_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* {"items": [{code, name_zh, name_en, active}]}: the configurable kinds. */
enum outcome activity_kinds_list(struct ctx *cx, json_t **out);

/* {"community", "kind", "title", "held_on", "place", "organiser"} → the activity. held_on
 * an existing day at most a year ahead. */
enum outcome activity_create(struct ctx *cx, json_t *body, json_t **out);
/* One activity with its attendees; OUT_NOT_FOUND outside the scope. */
enum outcome activity_get(struct ctx *cx, int64_t id, json_t **out);
void activity_etag(json_t *activity, char out[48]);
/* {"person_id"} adds an attendee: the activity and the person within the scope (else
 * OUT_NOT_FOUND); a person already there is a field error. *out the attendee row. */
enum outcome activity_attend(struct ctx *cx, int64_t id, json_t *body, json_t **out);
/* Removes an attendee; OUT_NOT_FOUND when the activity or the attendance is not there. */
enum outcome activity_unattend(struct ctx *cx, int64_t id, int64_t person_id);

struct activity_filter {
	const char *community;	/* a division code prefix */
	const char *kind;
	const char *from, *to;	/* YYYY-MM-DD, inclusive; NULL: open */
	int64_t person_id;	/* activities a person attended */
	int64_t after;		/* keyset: activities with a smaller id (newest first) */
	int limit;
};
/* {"items": [... with "attendees": count], "next": "id" or null}, newest first. */
enum outcome activity_list(struct ctx *cx, const struct activity_filter *f, json_t **out);
/* Activities and attendances within the scope (and the filter's community and period):
 * totals, by community and by month (YYYY-MM). */
enum outcome activity_figures(struct ctx *cx, const struct activity_filter *f, json_t **out);

struct participation_filter {
	const char *community;	/* a division code prefix of the households' destination */
	const char *from, *to;	/* the period, inclusive */
	int64_t attendances;	/* households with exactly this many; -1: any */
	int64_t after;		/* keyset: households with a larger id */
	int limit;
};
/* Participation by household over the period: {"from", "to", "distribution": [{attendances,
 * households}] (0 first; 5 stands for five or more), "items": [{household_id,
 * household_number, community_code, community_name, attendances}], "next"}: the households (relocated, of a
 * community within the scope) with their number of attendances in the period. */
enum outcome activity_participation(struct ctx *cx, const struct participation_filter *f,
				    json_t **out);
#endif
