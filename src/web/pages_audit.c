/* pages_audit: the auditor's page (the log, filtered and paged, exported, the chain
 * verified), and break-the-glass: the access request form and the grants to review. */
#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/grant.h"
#include "domain/ledger.h"
#include "domain/privacy.h"
#include "web/api_audit.h"
#include "web/page.h"
#include "web/server.h"

/* ---------------------------------------------------------------- the log */

/* The query string of the filter, for the next-page and export links. */
static const char *filter_query(struct request *rq)
{
	struct buf b = BUF_INIT;
	const char *keys[] = {"user", "action", "entity", "id", "from", "to", NULL};
	for (int i = 0; keys[i]; i++) {
		const char *v = rq_query(rq, keys[i]);
		if (!v || !*v)
			continue;
		buf_printf(&b, "%s%s=", b.len ? "&" : "", keys[i]);
		for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
			if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			    || *p == '-' || *p == '_' || *p == '.')
				buf_putc(&b, (char)*p);
			else
				buf_printf(&b, "%%%02X", *p);
		}
	}
	const char *out = arena_strdup(&rq->arena, b.len ? b.data : "");
	buf_release(&b);
	return out;
}

/* One <option> of the kind-of-record filter: its code, its word. */
static json_t *entity_option(struct request *rq, const char *name, const char *selected)
{
	return json_pack("{s:s, s:s, s:b}", "value", name, "label", msg_get(rq->lang,
		arena_printf(&rq->arena, "entity_%s", name)), "selected", !strcmp(name, selected));
}

void page_audit(struct request *rq)
{
	struct audit_filter f;
	page_lang(rq);
	json_t *out = NULL, *last = NULL;
	bool ok = api_audit_filter_from_query(rq, &f);
	enum outcome res = ok ? audit_search(&rq->cx, &f, &out) : OUT_OK;
	if (res != OUT_OK) {
		page_outcome(rq, res);	/* a busy database is 503, not 500 */
		return;
	}
	if (!(last = audit_chain_last_verification(&rq->cx))) {
		json_decref(out);
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	json_t *items = out ? json_incref(json_object_get(out, "items")) : json_array();
	api_audit_words(rq, items);	/* the one masking and wording path, as the export's */
	page_times(rq, items, "at");	/* in the county's time, the language's way */
	page_times(rq, last, "at");
	const char *q = filter_query(rq);
	json_t *data = json_pack("{s:o, s:s, s:s, s:o}", "items", items, "query", q,
		"amp", *q ? "&" : "", "verification", last);
	json_t *next = out ? json_object_get(out, "next") : NULL;
	if (json_is_integer(next))
		json_object_set_new(data, "next", json_integer(json_integer_value(next)));
	json_object_set_new(data, "filter", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		"user", f.user ? f.user : "", "action", f.action ? f.action : "",
		"entity", rq_query(rq, "entity") ? rq_query(rq, "entity") : "",
		"id", rq_query(rq, "id") ? rq_query(rq, "id") : "",
		"from", f.from ? f.from : "", "to", f.to ? f.to : ""));
	const char *fields[] = {"user", "action", "entity", "id", "from", "to", NULL};
	for (int i = 0; fields[i]; i++) {
		const char *e = page_field_error(rq, fields[i]);
		if (e)
			json_object_set_new(data, arena_printf(&rq->arena, "error_%s", fields[i]),
					    json_string(e));
	}
	/* the actions to filter by, in words: every action the catalogue names (action_KEY) */
	json_t *actions = json_array();
	for (unsigned i = 0; i < msg_table_len; i++)
		if (strncmp(msg_table[i].key, "action_", 7) == 0)
			json_array_append_new(actions, json_pack("{s:s, s:s, s:b}", "value",
				msg_table[i].key + 7, "label", msg_get(rq->lang, msg_table[i].key),
				"selected", f.action && strcmp(f.action, msg_table[i].key + 7) == 0));
	json_object_set_new(data, "actions", actions);
	/* the kinds of record, in words: every one the log names (audit_entities[]) and every
	 * ledger's, sorted as the catalogue lists them */
	const char *entity = rq_query(rq, "entity") ? rq_query(rq, "entity") : "";
	json_t *kinds = json_array();
	for (int i = 0; audit_entities[i].name; i++)
		json_array_append_new(kinds, entity_option(rq, audit_entities[i].name, entity));
	for (int i = 0; ledgers[i]; i++)
		if (!audit_entity_find(ledgers[i]->entity))
			json_array_append_new(kinds, entity_option(rq, ledgers[i]->entity, entity));
	json_object_set_new(data, "entities", kinds);
	json_decref(out);
	page_render(rq, ok ? 200 : 422, "audit", "audit_title", data);
}

void page_audit_export(struct request *rq)
{
	static const char *const formats[] = {"csv", "xlsx", NULL};
	struct audit_filter f;
	page_lang(rq);
	const char *format = rq_query_enum(rq, "format", formats);
	if (!api_audit_filter_from_query(rq, &f) || !format) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	api_audit_export(rq, &f, format);
}

/* Walks the chain now (admins and auditors), so the dashboard's "last verified" is fresh. */
void page_audit_verify(struct request *rq)
{
	struct audit_check chk;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	json_decref(f);
	enum outcome res = audit_chain_verify(&rq->cx, &chk);
	if (res != OUT_OK) {
		page_outcome(rq, res);
		return;
	}
	page_saved(rq, "/audit", chk.broken_id ? "audit_verify_broken" : "audit_verified");
}

/* ---------------------------------------------------------------- break-the-glass */

static void access_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *mine = NULL;
	if (grant_list(&rq->cx, false, true, &mine) != OUT_OK) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	page_times(rq, json_object_get(mine, "items"), "expires_at");
	json_t *data = json_pack("{s:O, s:O, s:i}", "form", form, "grants",
				 json_object_get(mine, "items"), "hours", rq->server->cfg.grant_hours);
	json_decref(mine);
	const char *e;
	if ((e = page_field_error(rq, "number")) || (e = page_field_error(rq, "household_id")))
		json_object_set_new(data, "error_number", json_string(e));
	if ((e = page_field_error(rq, "reason")))
		json_object_set_new(data, "error_reason", json_string(e));
	page_render(rq, status, "access", "access_title", data);
}

void page_access(struct request *rq)
{
	page_lang(rq);
	json_t *form = json_pack("{s:s, s:s}", "number", rq_query(rq, "number") ? rq_query(rq, "number")
				 : "", "reason", "");
	access_page(rq, 200, form);
	json_decref(form);
}

void page_access_post(struct request *rq)
{
	json_t *out = NULL;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	json_t *body = json_pack("{s:s, s:s}", "number", page_form_value(f, "number"), "reason",
				 page_form_value(f, "reason"));
	if (!*page_form_value(f, "number"))
		json_object_del(body, "number");
	enum outcome res = grant_create(&rq->cx, body, rq->server->cfg.grant_hours, &out);
	json_decref(body);
	if (res == OUT_OK) {
		page_saved(rq, arena_printf(&rq->arena, "/households/%lld",
			(long long)json_integer_value(json_object_get(out, "household_id"))), "access");
		json_decref(out);
	} else if (res == OUT_INVALID) {
		access_page(rq, outcome_status(OUT_INVALID), f);
	} else {
		page_outcome(rq, res);
	}
	json_decref(f);
}

void page_grants(struct request *rq)
{
	json_t *out = NULL;
	page_lang(rq);
	if (grant_list(&rq->cx, true, false, &out) != OUT_OK) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	page_times(rq, json_object_get(out, "items"), "granted_at");
	page_times(rq, json_object_get(out, "items"), "expires_at");
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(out, "items"), i, g)	/* the log's filter takes the login */
		json_object_set(g, "login", json_object_get(g, "user"));
	page_render(rq, 200, "grants", "grants_title", out);
}
