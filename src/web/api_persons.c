/* api_persons: thin HTTP glue over domain/person.c. */
#include <string.h>

#include "web/api_audit.h"
#include "domain/person.h"
#include "web/routes.h"

void api_persons_list(struct request *rq)
{
	int64_t household = rq_query_int(rq, "household_id", 1, INT64_MAX, 0);
	int64_t after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	int limit = (int)rq_query_int(rq, "limit", 1, 500, 50);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = person_list(&rq->cx, household, after, limit, &out);
	api_audit_answer(rq, res, "list", household ? "household" : "person", household, out, "persons");
	rq_reply(rq, res, 200, out);
}

static void reply_person(struct request *rq, enum outcome res, unsigned status, json_t *p)
{
	rq_reply_record(rq, res, status, p, person_etag, "/api/v1/persons/");
}

void api_person_get(struct request *rq)
{
	json_t *p = person_load(&rq->cx, rq->ids[0]);
	api_audit_answer(rq, p ? OUT_OK : OUT_NOT_FOUND, "read", "person", rq->ids[0], p, NULL);
	reply_person(rq, p ? OUT_OK : OUT_NOT_FOUND, 200, p);
}

void api_persons_create(struct request *rq)
{
	rq_create_record(rq, person_create, person_etag, "/api/v1/persons/");
}

void api_person_patch(struct request *rq) { rq_change_record(rq, person_patch, person_etag); }
void api_person_move(struct request *rq) { rq_write_record(rq, person_move, 200, person_etag); }
void api_person_leave(struct request *rq) { rq_write_record(rq, person_leave, 200, person_etag); }
