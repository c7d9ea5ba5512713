/* api_audit: the change history of one record, the audit log for those who review it
 * (filters, paging, CSV/XLSX export) and break-the-glass grants (request, list). Thin glue
 * over domain/audit.c and grant.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/audit.h"
#include "domain/grant.h"
#include "domain/ledger.h"
#include "domain/privacy.h"
#include "domain/user.h"
#include "web/api_audit.h"
#include "web/export.h"
#include "web/page.h"
#include "web/server.h"

#define AUDIT_EXPORT_MAX 10000

void api_audit_mask_rows(const struct request *rq, json_t *rows)
{
	json_t *row;
	size_t i;
	if (privacy_full_identity(rq->actor.role))
		return;
	privacy_present(rq->actor.role, rows);
	json_array_foreach(rows, i, row) {
		const char *d = json_string_value(json_object_get(row, "detail"));
		if (!d)
			continue;
		char *m = strdup(d);
		if (!m)
			continue;
		/* a run of 5 or more digits (an ID number or phone someone searched for) keeps
		 * only its last two characters */
		for (size_t s = 0, n = strlen(m); s < n;) {
			size_t e = s;
			while (e < n && ((m[e] >= '0' && m[e] <= '9') || m[e] == 'X' || m[e] == 'x'))
				e++;
			if (e - s >= 5)
				memset(m + s, '*', e - s - 2);
			s = e > s ? e : s + 1;
		}
		json_object_set_new(row, "detail", json_string(m));
		free(m);
	}
}

/* ---------------------------------------------------------------- in words */

/* The words of one code of a detail ("zero_employment", "results", "visits",
 * "service-requests"): a worklist's rule, a report's figure, the catalogue's
 * audit_detail_CODE, a ledger's kind of record; NULL when the catalogue has none. */
static const char *code_words(struct request *rq, const char *code)
{
	char key[96];
	char *c = arena_strdup(&rq->arena, code);
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if (*p == '-')
			*p = '_';
	static const char *const prefixes[] = {"rule", "figure", "audit_detail", NULL};
	for (int i = 0; prefixes[i]; i++) {
		snprintf(key, sizeof(key), "%s_%s", prefixes[i], c);
		if (msg_has(key))
			return msg_get(rq->lang, key);
	}
	for (int i = 0; ledgers[i]; i++)
		if (strcmp(ledgers[i]->name, c) == 0) {
			snprintf(key, sizeof(key), "entity_%s", ledgers[i]->entity);
			return msg_has(key) ? msg_get(rq->lang, key) : NULL;
		}
	return NULL;
}

/* A row's detail in words: what was exported and as what ("零就业家庭 (XLSX)"), which
 * page or list was read, the import a change came from; a search's detail is what was
 * typed and stays so. A detail the catalogue has no words for stays as it was. */
static const char *detail_words(struct request *rq, const char *action, const char *entity,
				const char *detail)
{
	static const char *const formats[] = {"csv", "xlsx", "pdf", NULL};
	if (action && strcmp(action, "search") == 0)
		return detail;
	if (strncmp(detail, "import ", 7) == 0)
		return arena_printf(&rq->arena, "%s %s", msg_get(rq->lang, "entity_import"),
				    detail + 7);
	for (int i = 0; formats[i]; i++)
		if (strcmp(detail, formats[i]) == 0)	/* the log itself, as a file */
			return arena_printf(&rq->arena, "%s (%s)", msg_get(rq->lang,
				"audit_detail_table"), i == 0 ? "CSV" : i == 1 ? "XLSX" : "PDF");
	const char *dot = strrchr(detail, '.');
	for (int i = 0; dot && formats[i]; i++) {
		if (strcmp(dot + 1, formats[i]) != 0)
			continue;
		const char *base = arena_strndup(&rq->arena, detail, (size_t)(dot - detail));
		const char *what = base ? code_words(rq, base) : NULL;
		char key[64];
		snprintf(key, sizeof(key), "entity_%s", entity ? entity : "");
		if (!what)	/* a list of the row's kind of record */
			what = msg_has(key) ? msg_get(rq->lang, key) : base;
		return arena_printf(&rq->arena, "%s (%s)", what, i == 0 ? "CSV" : i == 1 ? "XLSX"
				    : "PDF");
	}
	const char *what = code_words(rq, detail);
	return what ? what : detail;
}

void api_audit_words(struct request *rq, json_t *rows)
{
	json_t *row, *names = json_object();
	size_t i;
	api_audit_mask_rows(rq, rows);
	audit_record_names(&rq->cx, rows);	/* 评选评分 2026年文明卫生户 (505), not 505 alone */
	json_array_foreach(rows, i, row) {
		const char *name = json_string_value(json_object_get(row, "name"));
		if (name && json_is_integer(json_object_get(row, "entity_id")))
			json_object_set_new(row, "entity_id", json_string(arena_printf(&rq->arena,
				"%s (%lld)", name, (long long)json_integer_value(json_object_get(row,
				"entity_id")))));
		const char *action = json_string_value(json_object_get(row, "action"));
		const char *entity = json_string_value(json_object_get(row, "entity"));
		const char *detail = json_string_value(json_object_get(row, "detail"));
		if (detail)
			json_object_set_new(row, "detail", json_string(detail_words(rq, action, entity,
										      detail)));
		/* the user by name, with the login the filter takes: 吴晓梅 (tuanshan) */
		const char *login = json_string_value(json_object_get(row, "user"));
		if (login && strcmp(login, "system") == 0)	/* the server's own work, in words */
			json_object_set_new(row, "user", json_string(msg_get(rq->lang, "user_system")));
		else if (login && *login) {
			json_t *shown = json_object_get(names, login);
			if (!shown) {
				const char *full = user_display_name(&rq->cx, login);
				shown = json_string(strcmp(full, login) == 0 ? login : arena_printf(
					&rq->arena, "%s (%s)", full, login));
				json_object_set_new(names, login, shown);
			}
			json_object_set(row, "user", shown);
		}
		page_label(rq, row, "action", "action");
		page_label(rq, row, "entity", "entity");
		page_changed_fields(rq, row);
	}
	json_decref(names);
}

bool api_audit_reviewer(const struct request *rq)
{
	return role_reviews_audit(rq->actor.role);
}

/* The query's ?entity=: a ledger's (its descriptor) or one of audit_entities (with
 * `trail`, only one whose records have a change history); unknown_value otherwise. */
static const char *query_entity(struct request *rq, bool trail)
{
	const char *e = rq_query(rq, "entity");
	if (!e || ledger_is_entity(e))
		return e;
	const struct audit_entity *a = audit_entity_find(e);
	if (a && (a->trail || !trail))
		return a->name;
	verrors_add(&rq->errs, "entity", "unknown_value");
	return NULL;
}

bool api_audit_filter_from_query(struct request *rq, struct audit_filter *f)
{
	int y, m, d;
	memset(f, 0, sizeof(*f));
	f->user = rq_query(rq, "user");
	f->action = rq_query(rq, "action");
	f->entity = query_entity(rq, false);
	f->entity_id = rq_query_int(rq, "id", 0, INT64_MAX, 0);
	f->from = rq_query(rq, "from");
	f->to = rq_query(rq, "to");
	f->before_id = rq_query_int(rq, "before", 0, INT64_MAX, 0);
	f->limit = (int)rq_query_int(rq, "limit", 1, 500, 50);
	if (f->user && strlen(f->user) > 64)
		verrors_add(&rq->errs, "user", "too_long");
	if (f->action && strlen(f->action) > 32)
		verrors_add(&rq->errs, "action", "too_long");
	if (f->from && *f->from && (strlen(f->from) != 10 || !date_parse(f->from, &y, &m, &d)))
		verrors_add(&rq->errs, "from", "invalid_date");
	if (f->to && *f->to && (strlen(f->to) != 10 || !date_parse(f->to, &y, &m, &d)))
		verrors_add(&rq->errs, "to", "invalid_date");
	return rq->errs.n == 0;
}

/* The filtered log as a table for sheet.c, in the request's language. */
void api_audit_export(struct request *rq, struct audit_filter *f, const char *format)
{
	static const char *const keys[] = {"id", "at", "user", "address", "action", "entity",
		"entity_id", "records", "detail", "changed", NULL};
	json_t *out = NULL;
	export_begin(rq);
	f->limit = AUDIT_EXPORT_MAX;
	if (audit_search(&rq->cx, f, &out) != OUT_OK) {
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	json_t *items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	api_audit_words(rq, items);	/* masked and in words, as on the page */
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "audit_col_%s", keys[i]))));
	audit_read(&rq->cx, "export", "audit", 0, (int64_t)json_array_size(items), format);
	struct export_table t = {.name = msg_get(rq->lang, "audit_title"), .columns = cols,
				 .rows = items};
	export_send(rq, format, "audit-log", &t, 1, 0);
}

void api_audit_search(struct request *rq)
{
	static const char *const formats[] = {"json", "csv", "xlsx", NULL};
	struct audit_filter f;
	const char *format = rq_query_enum(rq, "format", formats);
	if (!api_audit_filter_from_query(rq, &f)) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		api_audit_export(rq, &f, format);
		return;
	}
	json_t *out = NULL;
	enum outcome res = audit_search(&rq->cx, &f, &out);
	if (res == OUT_OK)
		api_audit_mask_rows(rq, json_object_get(out, "items"));
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- grants */

void api_grants_create(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = grant_create(&rq->cx, body, rq->server->cfg.grant_hours, &out);
	json_decref(body);
	rq_reply(rq, res, 201, out);
}

void api_grants_list(struct request *rq)
{
	json_t *out = NULL;
	bool live = rq_query(rq, "live") && strcmp(rq_query(rq, "live"), "1") == 0;
	enum outcome res = grant_list(&rq->cx, api_audit_reviewer(rq), live, &out);
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- read events */

void api_audit_answer(struct request *rq, enum outcome res, const char *action, const char *entity,
		  int64_t id, json_t *out, const char *detail)
{
	if (res != OUT_OK)
		return;
	json_t *list = json_object_get(out, "items");
	if (!list)
		list = json_object_get(out, "results");
	audit_read(&rq->cx, action, entity, id, json_is_array(list) ? (int64_t)json_array_size(list)
		   : 1, detail);
}

/* The change history of one record: ?entity=<an audit entity with a trail (audit.h) or a
 * ledger's entity>&id=N. Records other than users are shown only when the record is within the
 * caller's scope. */
void api_audit(struct request *rq)
{
	bool reviewer = role_reviews_audit(rq->actor.role);
	const char *asked = rq_query(rq, "entity");
	const struct audit_entity *kind = asked ? audit_entity_find(asked) : NULL;
	/* the whole log, filtered (api_audit_search): for those who review it, with no record
	 * named (a kind of record alone filters by the kind), or a record of a kind without a
	 * history of its own (a service request, a hall visit: their rows are found by entity
	 * and id like any filter) */
	if (reviewer && (!rq_query(rq, "id") || (kind && !kind->trail))) {
		api_audit_search(rq);
		return;
	}
	const char *entity = query_entity(rq, true);
	int64_t id = rq_query_int(rq, "id", 1, INT64_MAX, 0);
	if (!asked)
		verrors_add(&rq->errs, "entity", "required");
	if (!id)
		verrors_add(&rq->errs, "id", "required");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	/* a ledger's change: its household decides */
	bool visible = ledger_is_entity(entity) ? ledger_audit_household(&rq->cx, entity, id) != 0
						: audit_trail_visible(&rq->cx, entity, id);
	if (!visible) {
		rq_problem(rq, OUT_NOT_FOUND, NULL);
		return;
	}
	/* who read the record is for those who review access, not for everyone in scope */
	json_t *items = audit_list(&rq->cx, entity, id, 200, reviewer);
	if (items)
		api_audit_mask_rows(rq, items);
	rq_reply(rq, items ? OUT_OK : OUT_INTERNAL, 200,
		 items ? json_pack("{s:o}", "items", items) : NULL);
}
