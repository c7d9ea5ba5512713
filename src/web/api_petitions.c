/* api_petitions: thin HTTP glue over the suggestions and petitions (domain/petition.c),
 * with the CSV/XLSX download of their list (the overdue worklist is the list with
 * ?overdue=true). */
#include <string.h>

#include "domain/audit.h"
#include "domain/petition.h"
#include "web/export_list.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* ---------------------------------------------------------------- the download */

static EXPORT_LIST_PAGE(list_page, struct petition_filter, petition_list)

static const char *const columns[] = {"id", "received_at", "channel", "category",
	"anonymous", "household_number", "person_name", "requester_name", "content",
	"deadline", "state", "status", "replied_at", "replied_by", "reply", "satisfaction",
	"appeals", NULL};
static const char *const words[] = {"channel", "petition_channel", "state", "petition_state",
	"status", "petition_status", "satisfaction", "petition_satisfaction", NULL};
static const struct export_list_catalogue catalogues[] = {
	{"category", petition_categories_list}, {NULL, NULL}};
static const struct export_list_names names = {"petitions", "petition", "nav_petitions",
					       "col_pet_", columns, words, catalogues};

/* ---------------------------------------------------------------- the routes */

void api_petition_categories(struct request *rq) { rq_read_all(rq, petition_categories_list); }
void api_petition_categories_put(struct request *rq)
{
	rq_write_new(rq, petition_category_put, 200);
}

void api_petitions_create(struct request *rq)
{
	rq_create_record(rq, petition_create, petition_etag, "/api/v1/petitions/");
}

void api_petition_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = petition_get(&rq->cx, rq->ids[0], &out);
	rq_reply_record(rq, res, 200, out, petition_etag, NULL);
}

void api_petition_patch(struct request *rq) { rq_change_record(rq, petition_act, petition_etag); }

void api_petitions_list(struct request *rq)
{
	static const char *const booleans[] = {"true", "false", NULL};
	static const char *const statuses[] = {"open", "replied", NULL};
	const char *format = rq_query_enum(rq, "format", formats);
	const char *overdue = rq_query_enum(rq, "overdue", booleans);
	struct petition_filter f = {
		.status = rq_query_enum(rq, "status", statuses),
		.category = rq_query(rq, "category"),
		.channel = rq_query_enum(rq, "channel", petition_channels),
		.community = rq_query_code(rq, "community", any_code),
		.household_id = rq_query_int(rq, "household", 1, INT64_MAX, 0),
		.overdue = overdue && overdue[0] == 't',
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, 50),
	};
	if (f.category && !*f.category)
		f.category = NULL;
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		struct export_list *x = export_list_new(list_page, &f, sizeof(f), f.after);
		struct petition_filter *kept = export_list_filter(x);
		if (kept) {
			kept->community = export_list_keep(x, f.community);
			kept->status = export_list_keep(x, f.status);
			kept->category = export_list_keep(x, f.category);
			kept->channel = export_list_keep(x, f.channel);
		}
		export_list_send(rq, x, format, &names);
		return;
	}
	json_t *out = NULL;
	enum outcome res = petition_list(&rq->cx, &f, &out);
	if (res == OUT_OK)
		audit_read(&rq->cx, "list", "petition", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")),
			   f.overdue ? "overdue" : NULL);
	rq_reply(rq, res, 200, out);
}

void api_report_petitions(struct request *rq)
{
	const char *community = rq_query_code(rq, "community", any_code);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = petition_figures(&rq->cx, community, &out);
	rq_reply(rq, res, 200, out);
}
