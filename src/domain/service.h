/*
 * service: the one-stop service platform (一站式服务): the configurable catalogue of matters
 * (办事事项, each with its department and promised working days), the requests people make
 * at a window, by phone, door to door or online, their state machine, and the figures of
 * "the last mile" (time to done, share done within the promised days, the overdue).
 *
 * A request belongs to a community (the window's, else the requesting household's
 * destination, else the one named); a user sees the requests of the communities within
 * their scope, and outside it a request does not exist for them (404). A request for a
 * person or household outside the scope is 404 as well.
 *
 * States: received → accepted → in_progress → done; from any open state (received,
 * accepted, in_progress) also referred (to a department, with the receiving party) or
 * rejected (with a reason); accepted may go straight to done. done, referred and rejected
 * are final. Every move is timed and signed (service_request_steps).
 */
#ifndef ANJU_SERVICE_H
#define ANJU_SERVICE_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* SQL for the domain only (service.c, service_figures.c): a request `r` within the
 * actor's scope, bound as the scope's lower bound twice and its upper bound. */
#define SERVICE_SCOPE_SQL COMMUNITY_SCOPE_SQL("r.community_code", "r.household_id")

extern const char *const service_channels[];	/* window, phone, door_to_door, online */
extern const char *const service_statuses[];	/* every state, received first */

/* True when the state machine allows the move from `from` to `to` (both state names). */
bool service_move_allowed(const char *from, const char *to);
/* True for the states a request is still open in (received, accepted, in_progress). */
bool service_status_open(const char *status);
/* The day a promise of `days` working days (Monday to Friday) made on day `received` runs
 * out. */
long service_due_day(long received, int days);

/* {"items": [{code, name_zh, name_en, department, promised_days, active}]}. */
enum outcome service_matters_list(struct ctx *cx, json_t **out);
/* {"code", "name_zh", "name_en", "department", "promised_days", "active"} adds a matter
 * or changes one (administrators); a matter is retired (active false), never deleted. */
enum outcome service_matter_put(struct ctx *cx, json_t *body, json_t **out);

/* {"person_id" or "household_id" or "walk_in_name", "matter", "channel", "window_id",
 * "community", "note", "items": [archive item ids of the household]} → the request,
 * status received. */
enum outcome service_request_create(struct ctx *cx, json_t *body, json_t **out);
/* One request with its steps and attachments. */
enum outcome service_request_get(struct ctx *cx, int64_t id, json_t **out);
/* {"status", "note", "referred_to", "receiving_party", "reason"}: one move of the state
 * machine under the request's ETag; without If-Match the move is checked against the state
 * the request is in (a move from a state it has left is refused all the same). */
enum outcome service_request_move(struct ctx *cx, int64_t id, const char *if_match,
				  json_t *body, json_t **out);
void service_request_etag(json_t *request, char out[48]);

struct service_filter {
	const char *status;	/* a state, "open", or NULL */
	const char *matter;
	const char *community;	/* a division code prefix */
	int64_t window_id, household_id;
	bool overdue;		/* open and past the promised day */
	int64_t after;		/* keyset: requests with a smaller id (newest first) */
	int limit;
};
/* {"items": [...], "next": "id" or null}, newest first. */
enum outcome service_request_list(struct ctx *cx, const struct service_filter *f, json_t **out);
/* The figures of the requests within the scope (and the community prefix, if any):
 * totals, by matter and by window, with the median and 90th percentile hours to done and
 * the share done within the promised days. */
enum outcome service_figures(struct ctx *cx, const char *community, json_t **out);
#endif
