/* api_households: thin HTTP glue over domain/household.c. */
#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/household.h"
#include "domain/ledger.h"
#include "domain/privacy.h"
#include "web/api_audit.h"
#include "web/cache.h"
#include "web/routes.h"

void api_households_list(struct request *rq)
{
	static const int town_len[] = {9, 0}, village_len[] = {12, 0};
	struct household_filter f = {0};
	f.town = rq_query_code(rq, "town", town_len);
	f.community = rq_query_code(rq, "community", village_len);
	f.village = rq_query_code(rq, "village", village_len);
	f.category = rq_query_enum(rq, "category", household_categories);
	f.status = rq_query_enum(rq, "status", household_statuses);
	f.q = rq_query(rq, "q");
	if (f.q && strlen(f.q) > 60) {
		verrors_add(&rq->errs, "q", "too_long");
		f.q = NULL;
	}
	f.after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	f.limit = (int)rq_query_int(rq, "limit", 1, 500, 50);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = household_list(&rq->cx, &f, &out);
	api_audit_answer(rq, res, f.q ? "search" : "list", "household", 0, out, f.q);
	rq_reply(rq, res, 200, out);
}

static void reply_household(struct request *rq, enum outcome res, unsigned status, json_t *h)
{
	rq_reply_record(rq, res, status, h, household_etag, "/api/v1/households/");
}

static void created(struct request *rq)
{
	json_decref(rq->deferred_in);
	reply_household(rq, rq->deferred_res, 201, rq->deferred_out);
}

/* Creations share commits (household_create_submit); this thread serves its other
 * connections meanwhile instead of waiting for the batch. */
void api_households_create(struct request *rq)
{
	json_t *body;
	enum outcome res = rq_json_body(rq, &body);
	if (res != OUT_OK) {
		json_decref(body);
		reply_household(rq, res, 201, NULL);
		return;
	}
	rq->deferred_in = body;
	rq_defer(rq, created);
	household_create_submit(&rq->cx, body, &rq->deferred_out, &rq->deferred_res, rq_wake, rq);
}

/* A household's JSON depends only on its id, its version and the day (ages), so the
 * rendering is cached under exactly that; the scope check and the version read are one
 * indexed query on every request. */
void api_household_get(struct request *rq)
{
	int64_t id = rq->ids[0], version = 0;
	char etag[48], key[64];
	enum outcome res = household_version(&rq->cx, id, &version);
	if (res != OUT_OK) {
		rq_problem(rq, res, NULL);
		return;
	}
	audit_read(&rq->cx, "read", "household", id, 1, NULL);
	household_etag_for(id, version, etag);
	rq_add_header(rq, MHD_HTTP_HEADER_ETAG, arena_strdup(&rq->arena, etag));
	const char *inm = rq_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && strcmp(inm, etag) == 0) {
		rq->status = 304;
		return;
	}
	/* masked and whole renderings are different bytes */
	char form = privacy_full_identity(rq->actor.role) ? 'f' : 'm';
	snprintf(key, sizeof(key), "h%lld-%lld-%ld%c", (long long)id, (long long)version, rq->cx.today, form);
	if (cache_get(key, &rq->out)) {
		rq->status = 200;
		rq->content_type = "application/json";
		return;
	}
	json_t *out = NULL;
	if ((res = household_get(&rq->cx, id, &out)) != OUT_OK) {
		rq_problem(rq, res, NULL);
		return;
	}
	/* Filed under the version actually rendered, which a concurrent change may have moved. */
	version = json_integer_value(json_object_get(out, "version"));
	snprintf(key, sizeof(key), "h%lld-%lld-%ld%c", (long long)id, (long long)version, rq->cx.today, form);
	household_etag_for(id, version, etag);
	rq_set_header(rq, MHD_HTTP_HEADER_ETAG, arena_strdup(&rq->arena, etag));
	rq_json(rq, 200, out);
	if (!rq->out.failed)
		cache_put(key, rq->out.data, rq->out.len);
}

void api_household_patch(struct request *rq)
{
	rq_change_record(rq, household_patch, household_etag);
}

void api_household_close(struct request *rq)
{
	rq_write_record(rq, household_close, 200, household_etag);
}

/* The household's change trail: every change to it, its members, its archive items and
 * every ledger of it or of its members, newest first (the page's "history", with values).
 * GET /api/v1/audit?entity=household&id=N stays the household record's own rows. */
void api_household_trail(struct request *rq)
{
	if (!audit_trail_visible(&rq->cx, "household", rq->ids[0])) {
		rq_problem(rq, OUT_NOT_FOUND, NULL);
		return;
	}
	json_t *items = ledger_household_trail(&rq->cx, rq->ids[0], 200, true);
	if (items)
		api_audit_mask_rows(rq, items);
	rq_reply(rq, items ? OUT_OK : OUT_INTERNAL, 200,
		 items ? json_pack("{s:o}", "items", items) : NULL);
}
