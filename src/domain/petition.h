/*
 * petition: 有话大家说, the suggestions and petitions of the relocated: the configurable
 * catalogue of categories (each with its deadline in days), a petition taken at the
 * speaking room, the letters-and-visits reception, the suggestion box, the integration
 * office or a talk booth (anonymous allowed), its reply (who, when, what), the requester's
 * satisfaction and the appeal that reopens it. A petition is never deleted.
 *
 * A petition belongs to a community (the requesting household's destination, else the one
 * named, else a community worker's own); a user sees the petitions of the communities
 * within their scope, and outside it a petition does not exist for them (404). A petition
 * for a person or household outside the scope is 404 as well.
 *
 * Its state is computed, never stored (petition_state): against the deadline, on the day
 * of the reply once replied, against today while open.
 */
#ifndef ANJU_PETITION_H
#define ANJU_PETITION_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const petition_channels[];	/* speaking_room, letters_and_visits, ... */
extern const char *const petition_satisfactions[];	/* satisfied, basically_satisfied, ... */
extern const char *const petition_states[];	/* on_track, at_risk, breached */

/* The state of a petition opened on day `opened` (received, or last appealed) with its
 * reply due on day `deadline`, on day `today`; `replied` is the day of the reply, or -1
 * while it is open. Open: breached after the deadline; at_risk in the last fifth of its
 * time (deadline - today <= (deadline - opened) / 5, rounded down), so on its deadline day
 * at the latest; on_track before. Replied: on_track when replied by the deadline, else
 * breached. */
const char *petition_state(long today, long opened, long deadline, long replied);

/* {"items": [{code, name_zh, name_en, deadline_days, active}]}. */
enum outcome petition_categories_list(struct ctx *cx, json_t **out);
/* {"code", "name_zh", "name_en", "deadline_days", "active"} adds a category or changes one
 * (administrators); a category is retired (active false), never deleted. */
enum outcome petition_category_put(struct ctx *cx, json_t *body, json_t **out);

/* {"channel", "category", "content", "anonymous", and, unless anonymous, "person_id" or
 * "household_id" or "requester_name"; "community"} → the petition, with its deadline
 * (today + the category's days) and its state (on_track). */
enum outcome petition_create(struct ctx *cx, json_t *body, json_t **out);
/* One petition with its steps. */
enum outcome petition_get(struct ctx *cx, int64_t id, json_t **out);
/* {"action": "reply", "content"} | {"action": "rate", "satisfaction"} |
 * {"action": "appeal", "reason"}: one step under the petition's ETag (without If-Match,
 * checked against the petition as it is). A reply needs an open petition, a rating and an
 * appeal a replied one; an appeal reopens it with a new deadline. */
enum outcome petition_act(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			  json_t **out);
void petition_etag(json_t *petition, char out[48]);

struct petition_filter {
	const char *status;	/* open, replied, or NULL */
	const char *category, *channel;
	const char *community;	/* a division code prefix */
	int64_t household_id;
	bool overdue;		/* open and past the deadline */
	int64_t after;		/* keyset: petitions with a smaller id (newest first) */
	int limit;
};
/* {"items": [...], "next": "id" or null}, newest first. */
enum outcome petition_list(struct ctx *cx, const struct petition_filter *f, json_t **out);
/* The figures of the petitions within the scope (and the community prefix, if any): totals,
 * by category and by channel: petitions, open, on_track, at_risk, breached, overdue,
 * replied, replied_in_time, satisfied, dissatisfied, appealed. */
enum outcome petition_figures(struct ctx *cx, const char *community, json_t **out);
#endif
