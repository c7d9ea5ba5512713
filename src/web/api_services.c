/* api_services: thin HTTP glue over the facilities (domain/facility.c) and the one-stop
 * service requests (domain/service.c), with the CSV/XLSX downloads of both lists. */
#include <string.h>

#include "domain/audit.h"
#include "domain/facility.h"
#include "domain/service.h"
#include "web/export_list.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* ---------------------------------------------------------------- downloads */

static EXPORT_LIST_PAGE(facility_page, struct facility_filter, facility_list)
static EXPORT_LIST_PAGE(request_page, struct service_filter, service_request_list)

static const char *const facility_columns[] = {"id", "community_name", "kind", "name",
	"address", "area_m2", "opening_hours", "contact", "status", "window_count", NULL};
static const char *const facility_words[] = {"status", "facility_status", NULL};
static const struct export_list_catalogue facility_catalogues[] = {
	{"kind", facility_kinds_list}, {NULL, NULL}};
static const struct export_list_names facility_names = {"facilities", "facility",
	"nav_facilities", "col_svc_", facility_columns, facility_words, facility_catalogues};
static const char *const request_columns[] = {"id", "received_at", "household_number",
	"person_name", "walk_in_name", "matter", "department", "window_name", "channel",
	"status", "due_on", "closed_at", "overdue", "referred_to", "receiving_party", "reason",
	NULL};
static const char *const request_words[] = {"status", "service_status",
	"channel", "service_channel", NULL};
static const struct export_list_catalogue request_catalogues[] = {
	{"matter", service_matters_list}, {"department", facility_departments},
	{"referred_to", facility_departments}, {NULL, NULL}};
static const struct export_list_names request_names = {"service-requests", "service_request",
	"nav_services", "col_svc_", request_columns, request_words, request_catalogues};

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
		struct export_list *x = export_list_new(facility_page, &f, sizeof(f), f.after);
		struct facility_filter *kept = export_list_filter(x);
		if (kept) {
			kept->community = export_list_keep(x, f.community);
			kept->kind = export_list_keep(x, f.kind);
		}
		export_list_send(rq, x, format, &facility_names);
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
		struct export_list *x = export_list_new(request_page, &f, sizeof(f), f.after);
		struct service_filter *kept = export_list_filter(x);
		if (kept) {
			kept->community = export_list_keep(x, f.community);
			kept->status = export_list_keep(x, f.status);
			kept->matter = export_list_keep(x, f.matter);
		}
		export_list_send(rq, x, format, &request_names);
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
