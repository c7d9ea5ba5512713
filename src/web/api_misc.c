/* api_misc: health, search, divisions, reports, users and the audit trail. */
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "web/api_audit.h"
#include "domain/division.h"
#include "domain/ledger.h"
#include "domain/report.h"
#include "domain/search.h"
#include "domain/user.h"
#include "web/routes.h"
#include "web/server.h"

/* What a browser or a script finds at the root: where the API and its health check are. */
void api_index(struct request *rq)
{
	rq_json(rq, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "anju",
		"description", msg_get(rq->lang, "app_description"), "api", "/api/v1",
		"login", "POST /api/v1/session", "health", "/healthz",
		"openapi", "/api/v1/openapi.json", "docs", "/docs/api"));
}

void api_healthz(struct request *rq)
{
	if (store_ping(rq->cx.db) != STORE_OK) {
		rq_problem(rq, OUT_INTERNAL, "database_unavailable");
		return;
	}
	rq_json(rq, 200, json_pack("{s:s, s:s}", "status", "ok", "version", "0.1.0"));
}

void api_search(struct request *rq)
{
	int limit = (int)rq_query_int(rq, "limit", 1, 50, 20);
	const char *q = rq_query(rq, "q");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = search_run(&rq->cx, q, limit, &out);
	audit_answer(rq, res, "search", "search", 0, out, q);
	rq_reply(rq, res, 200, out);
}

void api_divisions(struct request *rq)
{
	static const int parent_len[] = {2, 4, 6, 9, 12, 0};
	const char *parent = rq_query_code(rq, "parent", parent_len);
	int level = (int)rq_query_int(rq, "level", 1, 5, 0);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *items = division_list(&rq->cx, parent, level);
	rq_reply(rq, items ? OUT_OK : OUT_INTERNAL, 200,
		 items ? json_pack("{s:o}", "items", items) : NULL);
}

void api_report_county(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = report_county(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}

void api_users_list(struct request *rq)
{
	rq_json(rq, 200, json_pack("{s:o}", "items", user_list(&rq->cx)));
}

void api_users_create(struct request *rq)
{
	static const char *const allowed[] = {"username", "role", "scope", "password", NULL};
	json_t *body;
	enum outcome res = rq_json_body(rq, &body);
	if (res != OUT_OK) {
		rq_problem(rq, res, NULL);
		return;
	}
	if (!json_is_object(body)) {
		verrors_add(&rq->errs, "body", "type_object");
	} else {
		jx_only(body, allowed, "", &rq->errs);
		jx_string(body, "username", "", true, 32, &rq->errs);
		jx_enum(body, "role", "", true, role_names, &rq->errs);
		json_t *pw = json_object_get(body, "password");
		if (!json_is_string(pw))
			verrors_add(&rq->errs, "password", pw ? "type_string" : "required");
		json_t *sc = json_object_get(body, "scope");
		if (sc && !json_is_string(sc))
			verrors_add(&rq->errs, "scope", "type_string");
	}
	if (rq->errs.n) {
		json_decref(body);
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	const char *err = NULL;
	const char *name = json_string_value(json_object_get(body, "username"));
	if (user_add(&rq->cx, name, json_string_value(json_object_get(body, "role")),
		     json_string_value(json_object_get(body, "scope")),
		     json_string_value(json_object_get(body, "password")), &err)) {
		const char *field = strncmp(err, "password", 8) == 0 || strcmp(err, "too_long") == 0
			? "password" : strncmp(err, "scope", 5) == 0 ? "scope"
			: strncmp(err, "role", 4) == 0 ? "role" : "username";
		if (strcmp(err, "internal") == 0) {
			json_decref(body);
			rq_problem(rq, OUT_INTERNAL, NULL);
			return;
		}
		verrors_add(&rq->errs, field, err);
		json_decref(body);
		rq_problem(rq, strcmp(err, "username_taken") == 0 ? OUT_CONFLICT : OUT_INVALID, NULL);
		return;
	}
	json_t *users = user_list(&rq->cx), *created = NULL, *u;
	size_t i;
	json_array_foreach(users, i, u)
		if (strcmp(json_string_value(json_object_get(u, "username")), name) == 0)
			created = json_incref(u);
	json_decref(users);
	json_decref(body);
	rq_json(rq, 201, created);
}

/* The change history of one record: ?entity=household|person|user|item|<a ledger's
 * entity>&id=N. Records other than users are shown only when the record is within the
 * caller's scope. */
void api_audit(struct request *rq)
{
	static const char *const entities[] = {"household", "person", "user", "item", NULL};
	bool reviewer = role_is_admin(rq->actor.role) || rq->actor.role == ROLE_AUDITOR;
	if (reviewer && !rq_query(rq, "entity") && !rq_query(rq, "id")) {
		api_audit_search(rq);	/* the whole log, filtered (api_audit.c) */
		return;
	}
	const char *ledger = rq_query(rq, "entity");	/* every ledger's, from its descriptor */
	const char *entity = ledger_is_entity(ledger) ? ledger : rq_query_enum(rq, "entity", entities);
	int64_t id = rq_query_int(rq, "id", 1, INT64_MAX, 0);
	if (!entity)
		verrors_add(&rq->errs, "entity", "required");
	if (!id)
		verrors_add(&rq->errs, "id", "required");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	/* a ledger's change: its household decides */
	bool visible = ledger_is_entity(entity) ? ledger_audit_household(&rq->cx, entity, id) != 0
						: audit_trail_visible(&rq->cx, entity, id);
	if (!visible) {
		rq_problem(rq, OUT_NOT_FOUND, NULL);
		return;
	}
	/* who read the record is for those who review access, not for everyone in scope */
	json_t *items = audit_list(&rq->cx, entity, id, 200, reviewer);
	if (items)
		audit_mask_rows(rq, items);
	rq_reply(rq, items ? OUT_OK : OUT_INTERNAL, 200,
		 items ? json_pack("{s:o}", "items", items) : NULL);
}
