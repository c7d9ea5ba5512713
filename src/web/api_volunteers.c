/* api_volunteers: thin HTTP glue over the volunteers and their assignments
 * (domain/volunteer.c) and the needs ledger across households (domain/needs.c): the
 * open-needs worklist with its CSV/XLSX download, resolving a need, and the figures. A
 * household's needs themselves are a ledger (api_ledgers.c). */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/division.h"
#include "domain/needs.h"
#include "domain/privacy.h"
#include "domain/volunteer.h"
#include "web/export.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* ---------------------------------------------------------------- volunteers */

void api_assignments_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = volunteer_assignments_get(&rq->cx, rq->ids[0], &out);
	rq_reply(rq, res, 200, out);
}

void api_assignments_put(struct request *rq) { rq_write_one(rq, volunteer_assignments_put, 200); }
/* The volunteers in the actor's scope; ?format=csv|xlsx a download of them in words (their
 * kind, their community's name). No personal data of residents is in it. */
void api_volunteers_list(struct request *rq)
{
	static const char *const keys[] = {"username", "community", "kind", "post", "households",
		"buildings", "reach", NULL};
	const char *format = rq_query_enum(rq, "format", formats);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (!format || strcmp(format, "json") == 0) {
		rq_read_all(rq, volunteer_list);
		return;
	}
	json_t *out = NULL;
	enum outcome res = volunteer_list(&rq->cx, &out);
	if (res != OUT_OK) {
		rq_reply(rq, res, 200, out);
		return;
	}
	export_begin(rq);
	privacy_present(rq->actor.role, out);	/* as every output: the one masking function */
	json_t *rows = json_object_get(out, "items"), *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		char name[128];
		division_name(rq->cx.db, json_string_value(json_object_get(r, "scope")), name,
			      sizeof(name));
		json_object_set_new(r, "community", json_string(name));
		json_object_set_new(r, "kind", json_string(msg_get(rq->lang, arena_printf(&rq->arena,
			"volunteer_kind_%s", json_string_value(json_object_get(r, "kind"))))));
	}
	audit_read(&rq->cx, "export", "volunteer", 0, (int64_t)json_array_size(rows),
		   arena_printf(&rq->arena, "volunteers.%s", format));
	struct export_table t = {.name = msg_get(rq->lang, "nav_volunteers"),
		.columns = export_columns(rq, "col_volunteer_", keys),
		.rows = json_incref(rows)};
	json_decref(out);
	export_send(rq, format, "volunteers", &t, 1, 0);
}

void api_my_households(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = volunteer_my_households(&rq->cx, &out);
	if (res == OUT_OK)
		audit_read(&rq->cx, "list", "household", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")), "assigned");
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- needs */

void api_need_categories(struct request *rq) { rq_read_all(rq, need_categories_list); }
void api_need_resolve(struct request *rq) { rq_write_one(rq, need_resolve, 200); }

/* The worklist read a page at a time for a download: the filter's text is owned here. */
struct need_source {
	struct need_filter f;
	char *text[3];	/* status, category, community */
	bool done;
};

static void source_release(void *state)
{
	struct need_source *s = state;
	for (int i = 0; i < 3; i++)
		free(s->text[i]);
	free(s);
}

static enum outcome source_next(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct need_source *s = state;
	json_t *page = NULL;
	if (s->done) {
		*rows = json_array();
		return OUT_OK;
	}
	s->f.limit = max;
	enum outcome res = need_list(cx, &s->f, &page);
	if (res != OUT_OK)
		return res;
	s->done = !json_is_string(json_object_get(page, "next"));
	s->f.offset += max;
	*rows = json_incref(json_object_get(page, "items"));
	json_decref(page);
	privacy_present(cx->actor->role, *rows);
	return OUT_OK;
}

static void download(struct request *rq, const char *format, struct need_source *s)
{
	static const char *const keys[] = {"id", "household_number", "dest_community", "category",
		"description", "source", "measure", "owner", "due_on", "overdue", "resolved",
		"resolved_on", "resolved_by", "raised_on", "raised_by", NULL};
	export_begin(rq);	/* the export right: the route row's (.export_formats) */
	audit_read(&rq->cx, "export", "need", 0, 0, arena_printf(&rq->arena, "needs.%s", format));
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "col_need_%s", keys[i]))));
	struct export_table t = {
		.name = msg_get(rq->lang, "nav_needs"), .columns = cols, .next = source_next,
		.state = s, .release = source_release,
	};
	json_t *cats = NULL;
	if (need_categories_list(&rq->cx, &cats) == OUT_OK)
		export_column_names(cols, "category", json_object_get(cats, "items"));
	json_decref(cats);
	export_column_words(cols, "source", "need_source");
	export_send(rq, format, "needs", &t, 1, 0);
}

bool api_needs_filter(struct request *rq, struct need_filter *f)
{
	static const char *const booleans[] = {"true", "false", NULL};
	static const char *const statuses[] = {"open", "resolved", NULL};
	const char *overdue = rq_query_enum(rq, "overdue", booleans);
	*f = (struct need_filter){
		.status = rq_query_enum(rq, "status", statuses),
		.category = rq_query(rq, "category"),
		.community = rq_query_code(rq, "community", any_code),
		.household_id = rq_query_int(rq, "household", 1, INT64_MAX, 0),
		.overdue = overdue && overdue[0] == 't',
		.offset = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, 50),
	};
	if (f->category && !*f->category)
		f->category = NULL;
	return rq->errs.n == 0;
}

void api_needs_list(struct request *rq)
{
	const char *format = rq_query_enum(rq, "format", formats);
	struct need_filter f;
	if (!api_needs_filter(rq, &f)) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		struct need_source *s = calloc(1, sizeof(*s));
		const char *given[3] = {f.status, f.category, f.community};
		bool failed = !s;
		for (int i = 0; s && i < 3; i++)
			failed |= given[i] && !(s->text[i] = strdup(given[i]));
		if (failed) {
			if (s)
				source_release(s);
			rq_problem(rq, OUT_TOO_LARGE, NULL);
			return;
		}
		s->f = f;
		s->f.status = s->text[0];
		s->f.category = s->text[1];
		s->f.community = s->text[2];
		download(rq, format, s);
		return;
	}
	json_t *out = NULL;
	enum outcome res = need_list(&rq->cx, &f, &out);
	if (res == OUT_OK)
		audit_read(&rq->cx, "list", "need", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")),
			   f.overdue ? "overdue" : NULL);
	rq_reply(rq, res, 200, out);
}

void api_report_needs(struct request *rq)
{
	const char *community = rq_query_code(rq, "community", any_code);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = need_figures(&rq->cx, community, &out);
	rq_reply(rq, res, 200, out);
}
