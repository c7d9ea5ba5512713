/* api_misc: health, search, divisions, reports and users. */
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "web/api_audit.h"
#include "domain/division.h"
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
	api_audit_answer(rq, res, "search", "search", 0, out, q);
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
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = user_create(&rq->cx, body, &out);
	json_decref(body);
	rq_reply(rq, res, 201, out);
}

void api_user_get(struct request *rq)
{
	json_t *out = user_find(&rq->cx, rq->ids[0], NULL);
	rq_reply(rq, out ? OUT_OK : OUT_NOT_FOUND, 200, out);
}

void api_user_patch(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = user_change(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	rq_reply(rq, res, 200, out);
}
