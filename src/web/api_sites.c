/* api_sites: thin HTTP glue over domain/site.c. */
#include "domain/site.h"
#include "web/routes.h"

void api_sites_list(struct request *rq) { rq_read_all(rq, site_list); }
void api_sites_create(struct request *rq) { rq_write_new(rq, site_create, 201); }
void api_site_buildings_create(struct request *rq) { rq_write_one(rq, site_add_building, 201); }

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
