/* api_activities: thin HTTP glue over the community activities (domain/activity.c) and the
 * start-up register (domain/business.c), with the CSV/XLSX downloads of their lists and of
 * participation by household. */
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/business.h"
#include "domain/privacy.h"
#include "web/export.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* ---------------------------------------------------------------- query filters */

/* A YYYY-MM-DD query parameter, or NULL (a bad one is a field error). */
static const char *query_day(struct request *rq, const char *name)
{
	const char *v = rq_query(rq, name);
	int y, m, d;
	if (!v || !*v)
		return NULL;
	if (!date_parse(v, &y, &m, &d)) {
		verrors_add(&rq->errs, name, "invalid_date");
		return NULL;
	}
	return v;
}

void api_activity_filter(struct request *rq, struct activity_filter *f, int limit)
{
	*f = (struct activity_filter){
		.community = rq_query_code(rq, "community", any_code), .kind = rq_query(rq, "kind"),
		.from = query_day(rq, "from"), .to = query_day(rq, "to"),
		.person_id = rq_query_int(rq, "person", 1, INT64_MAX, 0),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, limit),
	};
	if (f->kind && !*f->kind)
		f->kind = NULL;
}

void api_participation_filter(struct request *rq, struct participation_filter *f, int limit)
{
	*f = (struct participation_filter){
		.community = rq_query_code(rq, "community", any_code),
		.from = query_day(rq, "from"), .to = query_day(rq, "to"),
		.attendances = rq_query_int(rq, "attendances", 0, 5, -1),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, limit),
	};
}

void api_business_filter(struct request *rq, struct business_filter *f, int limit)
{
	*f = (struct business_filter){
		.community = rq_query_code(rq, "community", any_code),
		.kind = rq_query_enum(rq, "kind", business_kinds),
		.status = rq_query_enum(rq, "status", business_statuses),
		.person_id = rq_query_int(rq, "person", 1, INT64_MAX, 0),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, limit),
	};
}

/* ---------------------------------------------------------------- downloads */

enum list { L_ACTIVITIES, L_PARTICIPATION, L_BUSINESSES };

/* A list read a page at a time for an export; the filter's text is copied here, since the
 * request's query is gone by then. */
struct source {
	enum list list;
	struct activity_filter act;
	struct participation_filter par;
	struct business_filter biz;
	char community[16], kind[41], status[16], from[11], to[11];
};

static const char *keep(char *into, size_t size, const char *s)
{
	if (!s)
		return NULL;
	snprintf(into, size, "%s", s);
	return into;
}

static enum outcome source_next(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct source *s = state;
	int64_t *after = s->list == L_ACTIVITIES ? &s->act.after : s->list == L_PARTICIPATION
		? &s->par.after : &s->biz.after;
	json_t *page = NULL;
	enum outcome res = OUT_OK;
	if (*after >= 0 && s->list == L_ACTIVITIES) {
		s->act.limit = max;
		res = activity_list(cx, &s->act, &page);
	} else if (*after >= 0 && s->list == L_PARTICIPATION) {
		s->par.limit = max;
		res = activity_participation(cx, &s->par, &page);
	} else if (*after >= 0) {
		s->biz.limit = max;
		res = business_list(cx, &s->biz, &page);
	}
	if (res == OUT_OK)
		*rows = export_page_rows(cx, page, after);
	return res;
}

static void download(struct request *rq, const char *format, struct source *s)
{
	static const char *const activity_keys[] = {"id", "held_on",
		"community_name", "kind", "title", "place", "organiser", "attendees", NULL};
	static const char *const participation_keys[] = {"household_id", "household_number",
		"community_name", "attendances", NULL};
	static const char *const business_keys[] = {"id", "name", "kind",
		"community_name", "address", "founded_on", "founders", "status", "employees", "jobs",
		"support_amount", NULL};
	static const struct {
		const char *entity, *base, *name_key;
		const char *const *keys;
	} what[] = {
		{"activity", "activities", "nav_activities", activity_keys},
		{"participation", "participation", "act_participation", participation_keys},
		{"business", "businesses", "nav_businesses", business_keys},
	};
	struct source *copy = malloc(sizeof(*copy));
	if (!copy) {
		rq_problem(rq, OUT_TOO_LARGE, NULL);
		return;
	}
	*copy = *s;
	/* the filter's text, into the copy's own buffers */
	copy->act.community = copy->par.community = copy->biz.community =
		keep(copy->community, sizeof(copy->community), s->act.community ? s->act.community
		     : s->par.community ? s->par.community : s->biz.community);
	copy->act.kind = copy->biz.kind = keep(copy->kind, sizeof(copy->kind),
					       s->list == L_ACTIVITIES ? s->act.kind : s->biz.kind);
	copy->biz.status = keep(copy->status, sizeof(copy->status), s->biz.status);
	copy->act.from = copy->par.from = keep(copy->from, sizeof(copy->from),
					       s->act.from ? s->act.from : s->par.from);
	copy->act.to = copy->par.to = keep(copy->to, sizeof(copy->to), s->act.to ? s->act.to : s->par.to);
	export_begin(rq);	/* the export right: the route row's (.export_formats) */
	audit_read(&rq->cx, "export", what[s->list].entity, 0, 0,
		   arena_printf(&rq->arena, "%s.%s", what[s->list].base, format));
	struct export_table t = {
		.name = msg_get(rq->lang, what[s->list].name_key),
		.columns = export_columns(rq, "col_act_", what[s->list].keys),
		.next = source_next, .state = copy, .release = free,
	};
	if (s->list == L_ACTIVITIES) {
		json_t *kinds = NULL;
		if (activity_kinds_list(&rq->cx, &kinds) == OUT_OK)
			export_column_names(t.columns, "kind", json_object_get(kinds, "items"));
		json_decref(kinds);
	} else if (s->list == L_BUSINESSES) {
		export_column_words(t.columns, "kind", "business_kind");
		export_column_words(t.columns, "status", "business_status");
	}
	export_send(rq, format, what[s->list].base, &t, 1, 0);
}

/* A list's JSON page, or its download when ?format= asks for one. */
static void list_reply(struct request *rq, struct source *s)
{
	const char *format = rq_query_enum(rq, "format", formats);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		download(rq, format, s);
		return;
	}
	json_t *out = NULL;
	enum outcome res = s->list == L_ACTIVITIES ? activity_list(&rq->cx, &s->act, &out)
		: s->list == L_PARTICIPATION ? activity_participation(&rq->cx, &s->par, &out)
		: business_list(&rq->cx, &s->biz, &out);
	if (res == OUT_OK) {
		privacy_present(rq->actor.role, out);
		audit_read(&rq->cx, "list", s->list == L_ACTIVITIES ? "activity" : s->list ==
			   L_PARTICIPATION ? "participation" : "business", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	}
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- activities */

void api_activity_kinds(struct request *rq) { rq_read_all(rq, activity_kinds_list); }

void api_activities_list(struct request *rq)
{
	struct source s = {.list = L_ACTIVITIES};
	api_activity_filter(rq, &s.act, 50);
	list_reply(rq, &s);
}

void api_activities_create(struct request *rq)
{
	rq_create_record(rq, activity_create, activity_etag, "/api/v1/activities/");
}

void api_activity_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = activity_get(&rq->cx, rq->ids[0], &out);
	if (res == OUT_OK)
		privacy_present(rq->actor.role, out);
	rq_reply_record(rq, res, 200, out, activity_etag, NULL);
}

void api_activity_attend(struct request *rq) { rq_write_one(rq, activity_attend, 201); }

void api_activity_unattend(struct request *rq)
{
	int64_t person = rq_query_int(rq, "person_id", 1, INT64_MAX, 0);
	if (!person && !rq->errs.n)
		verrors_add(&rq->errs, "person_id", "required");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	enum outcome res = activity_unattend(&rq->cx, rq->ids[0], person);
	if (res == OUT_OK)
		rq->status = 204;
	else
		rq_problem(rq, res, NULL);
}

void api_report_activities(struct request *rq)
{
	struct activity_filter f;
	api_activity_filter(rq, &f, 50);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = activity_figures(&rq->cx, &f, &out);
	rq_reply(rq, res, 200, out);
}

void api_report_participation(struct request *rq)
{
	struct source s = {.list = L_PARTICIPATION};
	api_participation_filter(rq, &s.par, 50);
	list_reply(rq, &s);
}

/* ---------------------------------------------------------------- start-ups */

void api_businesses_list(struct request *rq)
{
	struct source s = {.list = L_BUSINESSES};
	api_business_filter(rq, &s.biz, 50);
	list_reply(rq, &s);
}

void api_businesses_create(struct request *rq)
{
	rq_create_record(rq, business_create, business_etag, "/api/v1/businesses/");
}

void api_business_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = business_get(&rq->cx, rq->ids[0], &out);
	if (res == OUT_OK)
		privacy_present(rq->actor.role, out);
	rq_reply_record(rq, res, 200, out, business_etag, NULL);
}

void api_business_patch(struct request *rq) { rq_change_record(rq, business_patch, business_etag); }

void api_business_support(struct request *rq)
{
	rq_write_record(rq, business_add_support, 201, business_etag);
}

void api_report_businesses(struct request *rq)
{
	const char *community = rq_query_code(rq, "community", any_code);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = business_figures(&rq->cx, community, &out);
	rq_reply(rq, res, 200, out);
}
