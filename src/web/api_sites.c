/* api_sites: thin HTTP glue over domain/site.c. */
#include "domain/site.h"
#include "web/routes.h"

void api_sites_list(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = site_list(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}

void api_sites_create(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = site_create(&rq->cx, body, &out);
	json_decref(body);
	rq_reply(rq, res, 201, out);
}

void api_site_buildings_create(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = site_add_building(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	rq_reply(rq, res, 201, out);
}

void api_site_rooms(struct request *rq)
{
	static const char *const booleans[] = {"true", "false", NULL};
	const char *free = rq_query_enum(rq, "free", booleans);
	int64_t after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	int limit = (int)rq_query_int(rq, "limit", 1, 500, 100);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = site_rooms(&rq->cx, rq->ids[0], free && free[0] == 't', after, limit, &out);
	rq_reply(rq, res, 200, out);
}
