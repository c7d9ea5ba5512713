/* api_petitions: thin HTTP glue over the suggestions and petitions (domain/petition.c),
 * with the CSV/XLSX download of their list (the overdue worklist is the list with
 * ?overdue=true). */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/petition.h"
#include "domain/privacy.h"
#include "web/export.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* ---------------------------------------------------------------- the download */

/* The list read a page at a time for an export: the filter's text is owned here. */
struct petition_source {
	struct petition_filter f;
	char *community, *status, *category, *channel;
};

static void source_release(void *state)
{
	struct petition_source *s = state;
	free(s->community);
	free(s->status);
	free(s->category);
	free(s->channel);
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
	struct petition_source *s = state;
	json_t *page = NULL;
	s->f.limit = max;
	enum outcome res = s->f.after < 0 ? OUT_OK : petition_list(cx, &s->f, &page);
	if (res != OUT_OK)
		return res;
	if (!page) {	/* the last page has been handed */
		*rows = json_array();
		return OUT_OK;
	}
	json_t *next = json_object_get(page, "next");
	s->f.after = json_is_string(next) ? strtoll(json_string_value(next), NULL, 10) : -1;
	*rows = json_incref(json_object_get(page, "items"));
	json_decref(page);
	privacy_present(cx->actor->role, *rows);
	return OUT_OK;
}

static void download(struct request *rq, const char *format, struct petition_source *s)
{
	static const char *const keys[] = {"id", "received_at", "channel", "category",
		"anonymous", "household_number", "person_name", "requester_name", "content",
		"deadline", "state", "status", "replied_at", "replied_by", "reply", "satisfaction",
		"appeals", NULL};
	export_begin(rq);	/* the export right: the route row's (.export_formats) */
	audit_read(&rq->cx, "export", "petition", 0, 0,
		   arena_printf(&rq->arena, "petitions.%s", format));
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "col_pet_%s", keys[i]))));
	struct export_table t = {
		.name = msg_get(rq->lang, "nav_petitions"), .columns = cols, .next = source_next,
		.state = s, .release = source_release,
	};
	export_send(rq, format, "petitions", &t, 1, 0);
}

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
		bool failed = false;
		struct petition_source *s = calloc(1, sizeof(*s));
		if (s) {
			s->f = f;
			s->f.community = s->community = dup_or_null(f.community, &failed);
			s->f.status = s->status = dup_or_null(f.status, &failed);
			s->f.category = s->category = dup_or_null(f.category, &failed);
			s->f.channel = s->channel = dup_or_null(f.channel, &failed);
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
