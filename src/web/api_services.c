/* api_services: thin HTTP glue over the facilities (domain/facility.c) and the one-stop
 * service requests (domain/service.c), with the CSV/XLSX downloads of both lists. */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/facility.h"
#include "domain/privacy.h"
#include "domain/service.h"
#include "web/export.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* ---------------------------------------------------------------- downloads */

/* A list read a page at a time for an export: the filter's text is owned here. */
struct list_source {
	bool requests;
	struct facility_filter fac;
	struct service_filter req;
	char *kind, *community, *status, *matter;
};

static void source_release(void *state)
{
	struct list_source *s = state;
	free(s->kind);
	free(s->community);
	free(s->status);
	free(s->matter);
	free(s);
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = true;
	return d;
}

static enum outcome source_next(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct list_source *s = state;
	json_t *page = NULL;
	enum outcome res;
	if (s->requests) {
		s->req.limit = max;
		res = s->req.after < 0 ? OUT_OK : service_request_list(cx, &s->req, &page);
	} else {
		s->fac.limit = max;
		res = s->fac.after < 0 ? OUT_OK : facility_list(cx, &s->fac, &page);
	}
	if (res != OUT_OK)
		return res;
	if (!page) {	/* the last page has been handed */
		*rows = json_array();
		return OUT_OK;
	}
	json_t *next = json_object_get(page, "next");
	int64_t after = json_is_string(next) ? strtoll(json_string_value(next), NULL, 10) : -1;
	if (s->requests)
		s->req.after = after;
	else
		s->fac.after = after;
	*rows = json_incref(json_object_get(page, "items"));
	json_decref(page);
	privacy_present(cx->actor->role, *rows);
	return OUT_OK;
}

/* The columns of a list's export, labelled in the export's language (col_svc_KEY). */
static json_t *columns(struct request *rq, const char *const *keys)
{
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "col_svc_%s", keys[i]))));
	return cols;
}

static void download(struct request *rq, const char *format, struct list_source *s)
{
	static const char *const fac_keys[] = {"id", "community_name", "kind", "name", "address",
		"area_m2", "opening_hours", "contact", "status", "window_count", NULL};
	static const char *const req_keys[] = {"id", "received_at", "household_number",
		"person_name", "walk_in_name", "matter", "department", "window_name", "channel",
		"status", "due_on", "closed_at", "overdue", "referred_to", "receiving_party", "reason",
		NULL};
	export_begin(rq);	/* the export right: the route row's (.export_formats) */
	const char *base = s->requests ? "service-requests" : "facilities";
	audit_read(&rq->cx, "export", s->requests ? "service_request" : "facility", 0, 0,
		   arena_printf(&rq->arena, "%s.%s", base, format));
	struct export_table t = {
		.name = msg_get(rq->lang, s->requests ? "nav_services" : "nav_facilities"),
		.columns = columns(rq, s->requests ? req_keys : fac_keys), .next = source_next,
		.state = s, .release = source_release,
	};
	export_send(rq, format, base, &t, 1, 0);
}

/* ---------------------------------------------------------------- facilities */

void api_facility_kinds(struct request *rq) { rq_read_all(rq, facility_kinds_list); }
void api_facility_kinds_put(struct request *rq) { rq_write_new(rq, facility_kind_put, 200); }
void api_departments(struct request *rq) { rq_read_all(rq, facility_departments); }
void api_facilities_create(struct request *rq)
{
	rq_create_record(rq, facility_create, facility_etag, "/api/v1/facilities/");
}
void api_facility_windows_create(struct request *rq) { rq_write_one(rq, facility_add_window, 201); }

void api_facility_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = facility_get(&rq->cx, rq->ids[0], &out);
	rq_reply_record(rq, res, 200, out, facility_etag, NULL);
}

void api_facility_patch(struct request *rq) { rq_change_record(rq, facility_patch, facility_etag); }

void api_facilities_list(struct request *rq)
{
	const char *format = rq_query_enum(rq, "format", formats);
	struct facility_filter f = {
		.community = rq_query_code(rq, "community", any_code),
		.kind = rq_query(rq, "kind"),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, 100),
	};
	if (f.kind && !*f.kind)
		f.kind = NULL;
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = facility_list(&rq->cx, &f, &out);	/* an unknown kind: 422 */
	if (res == OUT_OK && format && strcmp(format, "json") != 0) {
		json_decref(out);
		bool failed = false;
		struct list_source *s = calloc(1, sizeof(*s));
		if (s) {
			s->fac = f;
			s->fac.community = s->community = dup_or_null(f.community, &failed);
			s->fac.kind = s->kind = dup_or_null(f.kind, &failed);
		}
		if (!s || failed) {
			if (s)
				source_release(s);
			rq_problem(rq, OUT_TOO_LARGE, NULL);
			return;
		}
		download(rq, format, s);
		return;
	}
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- service requests */

void api_service_matters(struct request *rq) { rq_read_all(rq, service_matters_list); }
void api_service_matters_put(struct request *rq) { rq_write_new(rq, service_matter_put, 200); }

void api_service_requests_create(struct request *rq)
{
	rq_create_record(rq, service_request_create, service_request_etag,
			 "/api/v1/service-requests/");
}

void api_service_request_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = service_request_get(&rq->cx, rq->ids[0], &out);
	rq_reply_record(rq, res, 200, out, service_request_etag, NULL);
}

void api_service_request_patch(struct request *rq)
{
	rq_change_record(rq, service_request_move, service_request_etag);
}

void api_service_requests_list(struct request *rq)
{
	static const char *const booleans[] = {"true", "false", NULL};
	static const char *const statuses[] = {"open", "received", "accepted", "in_progress",
		"done", "referred", "rejected", NULL};
	const char *format = rq_query_enum(rq, "format", formats);
	const char *overdue = rq_query_enum(rq, "overdue", booleans);
	struct service_filter f = {
		.status = rq_query_enum(rq, "status", statuses),
		.matter = rq_query(rq, "matter"),
		.community = rq_query_code(rq, "community", any_code),
		.window_id = rq_query_int(rq, "window", 1, INT64_MAX, 0),
		.household_id = rq_query_int(rq, "household", 1, INT64_MAX, 0),
		.overdue = overdue && overdue[0] == 't',
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, 50),
	};
	if (f.matter && !*f.matter)
		f.matter = NULL;
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		bool failed = false;
		struct list_source *s = calloc(1, sizeof(*s));
		if (s) {
			s->requests = true;
			s->req = f;
			s->req.community = s->community = dup_or_null(f.community, &failed);
			s->req.status = s->status = dup_or_null(f.status, &failed);
			s->req.matter = s->matter = dup_or_null(f.matter, &failed);
		}
		if (!s || failed) {
			if (s)
				source_release(s);
			rq_problem(rq, OUT_TOO_LARGE, NULL);
			return;
		}
		download(rq, format, s);
		return;
	}
	json_t *out = NULL;
	enum outcome res = service_request_list(&rq->cx, &f, &out);
	if (res == OUT_OK)
		audit_read(&rq->cx, "list", "service_request", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")),
			   f.overdue ? "overdue" : NULL);
	rq_reply(rq, res, 200, out);
}

void api_report_services(struct request *rq)
{
	const char *community = rq_query_code(rq, "community", any_code);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = service_figures(&rq->cx, community, &out);
	rq_reply(rq, res, 200, out);
}
