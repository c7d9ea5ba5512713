/* api_halls: thin HTTP glue over the two halls (domain/hall.c): the halls, their sections,
 * exhibits and visits, the visitors' figures, and the CSV/XLSX download of every list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/audit.h"
#include "domain/hall.h"
#include "domain/privacy.h"
#include "web/export.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

typedef enum outcome (*hall_list_fn)(struct ctx *cx, const struct hall_filter *f, json_t **out);

/* One of the lists: what it reads, its audit entity, its file name and sheet, its columns
 * (labelled col_hall_KEY). */
struct hall_list_kind {
	hall_list_fn list;
	const char *entity, *base, *name_key;
	const char *const *keys;
};

static const char *const hall_keys[] = {"id", "community_name", "kind", "name", "address",
	"area_m2", "opening_hours", "status", "sections", "exhibits", "visits", "visitors", NULL};
static const char *const exhibit_keys[] = {"id", "section_name", "position", "kind", "title",
	"description", "household_number", "item_reference_code", "media", NULL};
static const char *const visit_keys[] = {"id", "hall_name", "visited_on", "group_name",
	"people", "guide", "household_numbers", "note", NULL};
static const struct hall_list_kind halls_kind = {hall_list, "hall", "halls", "nav_halls",
	hall_keys};
static const struct hall_list_kind exhibits_kind = {hall_exhibit_list, "hall_exhibit",
	"hall-exhibits", "hall_exhibits", exhibit_keys};
static const struct hall_list_kind visits_kind = {hall_visit_list, "hall_visit",
	"hall-visits", "hall_visits", visit_keys};

/* ---------------------------------------------------------------- the download */

/* A list read a page at a time for an export; the filter's text is copied here. */
struct hall_source {
	const struct hall_list_kind *k;
	struct hall_filter f;
	char community[16], kind[24];
};

static enum outcome source_next(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct hall_source *s = state;
	json_t *page = NULL;
	s->f.limit = max;
	enum outcome res = s->f.after < 0 ? OUT_OK : s->k->list(cx, &s->f, &page);
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

static void download(struct request *rq, const char *format, const struct hall_list_kind *k,
		     const struct hall_filter *f)
{
	struct hall_source *s = calloc(1, sizeof(*s));
	if (!s) {
		rq_problem(rq, OUT_TOO_LARGE, NULL);
		return;
	}
	s->k = k;
	s->f = *f;
	snprintf(s->community, sizeof(s->community), "%s", f->community ? f->community : "");
	snprintf(s->kind, sizeof(s->kind), "%s", f->kind ? f->kind : "");
	s->f.community = *s->community ? s->community : NULL;
	s->f.kind = *s->kind ? s->kind : NULL;
	export_begin(rq);	/* the export right: the route row's (.export_formats) */
	audit_read(&rq->cx, "export", k->entity, f->hall_id, 0,
		   arena_printf(&rq->arena, "%s.%s", k->base, format));
	json_t *cols = json_array();
	for (int i = 0; k->keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", k->keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "col_hall_%s", k->keys[i]))));
	struct export_table t = {
		.name = msg_get(rq->lang, k->name_key), .columns = cols, .next = source_next,
		.state = s, .release = free,
	};
	export_column_words(cols, "kind", k == &exhibits_kind ? "hall_exhibit_kind" : "hall_kind");
	export_column_words(cols, "status", "facility_status");
	export_column_words(cols, "media", "hall_media");
	export_send(rq, format, k->base, &t, 1, 0);
}

/* ---------------------------------------------------------------- the lists */

/* A YYYY-MM-DD query value copied into out ("" when absent); a bad one a field error. */
static void query_day(struct request *rq, const char *name, char out[11])
{
	const char *v = rq_query(rq, name);
	int y, m, d;
	*out = '\0';
	if (v && *v && !date_parse(v, &y, &m, &d))
		verrors_add(&rq->errs, name, "invalid_date");
	else if (v)
		snprintf(out, 11, "%s", v);
}

/* The filter of a list's query: community, kind, from, to, household, after, limit. */
static void query_filter(struct request *rq, int64_t hall_id, const char *const *kinds,
			 struct hall_filter *f)
{
	*f = (struct hall_filter){
		.hall_id = hall_id,
		.community = rq_query_code(rq, "community", any_code),
		.kind = kinds ? rq_query_enum(rq, "kind", kinds) : NULL,
		.household_id = rq_query_int(rq, "household", 1, INT64_MAX, 0),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = (int)rq_query_int(rq, "limit", 1, 500, 100),
	};
	query_day(rq, "from", f->from);
	query_day(rq, "to", f->to);
}

/* Answers a list as JSON, or as the download its ?format= asks for. */
static void list(struct request *rq, const struct hall_list_kind *k, int64_t hall_id,
		 const char *const *kinds)
{
	struct hall_filter f;
	const char *format = rq_query_enum(rq, "format", formats);
	query_filter(rq, hall_id, kinds, &f);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	/* a hall outside the scope does not exist: 404, not an empty list */
	enum outcome res = hall_id ? hall_visible(&rq->cx, hall_id) : OUT_OK;
	if (res == OUT_OK && format && strcmp(format, "json") != 0) {
		download(rq, format, k, &f);
		return;
	}
	if (res == OUT_OK)
		res = k->list(&rq->cx, &f, &out);
	if (res == OUT_OK)
		audit_read(&rq->cx, "list", k->entity, hall_id,
			   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	rq_reply(rq, res, 200, out);
}

void api_halls_list(struct request *rq) { list(rq, &halls_kind, 0, hall_kinds); }
void api_hall_exhibits(struct request *rq)
{
	list(rq, &exhibits_kind, rq->ids[0], hall_exhibit_kinds);
}
void api_hall_visits(struct request *rq) { list(rq, &visits_kind, rq->ids[0], NULL); }

/* ---------------------------------------------------------------- one hall, writes */

void api_hall_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = hall_get(&rq->cx, rq->ids[0], &out);
	rq_reply(rq, res, 200, out);
}

void api_hall_sections_create(struct request *rq) { rq_write_one(rq, hall_section_create, 201); }
void api_hall_exhibits_create(struct request *rq) { rq_write_one(rq, hall_exhibit_create, 201); }
void api_hall_visits_create(struct request *rq) { rq_write_one(rq, hall_visit_create, 201); }

void api_report_halls(struct request *rq)
{
	char from[11], to[11];
	query_day(rq, "from", from);
	query_day(rq, "to", to);
	if (!rq->errs.n && *from && *to && strcmp(from, to) > 0)
		verrors_add(&rq->errs, "to", "end_before_start");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = hall_figures(&rq->cx, from, to, &out);
	rq_reply(rq, res, 200, out);
}
