/* needs: the needs ledger (台账): its descriptor and check, resolving, the worklist and the
 * figures. */
#include "domain/needs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/household_guard.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const needs_sources[] = {"visit", "service_request", "petition", "other", NULL};

static const struct ledger_field fields[] = {
	{"category", 't', true, .max = 40, .label_key = "field_need_category",
	 .choices = need_categories_list},
	{"description", 't', true, .max = 1000, .label_key = "field_need_description"},
	{"source", 's', false, .options = needs_sources, .label_key = "field_need_source",
	 .option_prefix = "need_source"},
	{"source_id", 'i', false, .min = 1, .label_key = "field_need_source_id",
	 .records = needs_source_records, .records_kind = "source"},
	{"measure", 't', false, .max = 1000, .label_key = "field_need_measure"},
	{"owner", 't', false, .max = 50, .person_name = true, .label_key = "field_need_owner"},
	{"due_on", 'd', true, .when = DATE_PLANNED, .label_key = "field_need_due_on"},
	{.name = NULL},
};

static const struct ledger_read reads[] = {
	{"resolved", 'b', "resolved"},
	{"resolved_on", 't', "resolved_on"},
	{"resolved_by", 't', "resolved_by"},
	{"raised_on", 't', "raised_on"},
	{"raised_by", 't', "raised_by"},
	{.name = NULL},
};

static const char *const changeable[] = {"measure", "owner", "due_on", NULL};

/* The table a source's id points into, with the household it belongs to. */
static const char *source_table(const char *source)
{
	return !source ? NULL : strcmp(source, "visit") == 0 ? "visits"
		: strcmp(source, "service_request") == 0 ? "service_requests"
		: strcmp(source, "petition") == 0 ? "petitions" : NULL;
}

/* A known, active category; a due day not before today when raised; a source id that is
 * a record of this household; a resolved need is closed to change. Who raised it, and
 * when, is kept; the owner is the one who raised it unless named. */
static void check(struct ctx *cx, json_t *owner, json_t *row, json_t *before)
{
	int rc = STORE_OK;
	const char *category = json_string_value(json_object_get(row, "category"));
	const char *due = json_string_value(json_object_get(row, "due_on"));
	if (before && json_is_true(json_object_get(before, "resolved"))) {
		verrors_add(cx->errs, "resolved", "need_resolved");
		return;
	}
	if (category && !json_equal(json_object_get(before, "category"), json_object_get(row,
			"category")) && store_one_int(cx->db, &rc, "SELECT count(*) FROM"
			" need_categories WHERE code = ? AND active = 1", "t", category) == 0
	    && rc == STORE_OK)
		verrors_add(cx->errs, "category", "unknown_value");
	if (due && ledger_day(due) < cx->today && (!before || !json_equal(json_object_get(before,
			"due_on"), json_object_get(row, "due_on"))))
		verrors_add(cx->errs, "due_on", DATE_IN_PAST);
	if (before)
		return;
	if (!json_object_get(row, "source"))
		json_object_set_new(row, "source", json_string("other"));
	const char *source = json_string_value(json_object_get(row, "source"));
	json_t *sid = json_object_get(row, "source_id");
	const char *table = source_table(source);
	if (sid && !table)
		verrors_add(cx->errs, "source_id", "only_with_a_source_record");
	else if (sid && store_one_int(cx->db, &rc, arena_printf(cx->arena, "SELECT count(*) FROM"
			" %s WHERE id = ? AND household_id = ?", table), "ii",
			(int64_t)json_integer_value(sid), (int64_t)json_integer_value(json_object_get(owner,
			"household_id"))) == 0 && rc == STORE_OK)
		verrors_add(cx->errs, "source_id", "unknown_source");
	char today[11];
	date_format(cx->today, today);
	if (!json_object_get(row, "owner"))
		json_object_set_new(row, "owner", json_string(cx->actor->username));
	json_object_set_new(row, "raised_on", json_string(today));
	json_object_set_new(row, "raised_by", json_string(cx->actor->username));
	json_object_set_new(row, "user_id", json_integer(cx->actor->user_id));
}

/* Open and past its due day. */
static void on_read(struct ctx *cx, json_t *row)
{
	long due = ledger_day(json_string_value(json_object_get(row, "due_on")));
	json_object_set_new(row, "overdue", json_boolean(!json_is_true(json_object_get(row,
		"resolved")) && due >= 0 && due < cx->today));
}

const struct ledger needs_ledger = {
	.name = "needs", .entity = "need", .owner = LEDGER_OF_HOUSEHOLD, .shape = LEDGER_ROWS,
	.table = "needs", .fields = fields, .reads = reads, .order = "resolved, due_on, id",
	.changeable = changeable, .check = check, .on_read = on_read, .may = role_can_visit,
};

/* ---------------------------------------------------------------- the catalogue */

enum outcome need_categories_list(struct ctx *cx, json_t **out)
{
	return ledger_items(ledger_rows(cx, "code name_zh name_en active", "tttb", "SELECT code,"
		" name_zh, name_en, active FROM need_categories ORDER BY sort, code", NULL), out);
}

/* ---------------------------------------------------------------- a need's source */

/* Cuts UTF-8 text after `max` characters, marking the cut with "…". */
static void shorten(json_t *row, const char *key, int max)
{
	const char *s = json_string_value(json_object_get(row, key));
	int n = 0;
	for (const char *p = s; p && *p; p++)
		if ((*p & 0xC0) != 0x80 && n++ == max) {
			char *cut = strndup(s, (size_t)(p - s));
			if (cut)
				json_object_set_new(row, key, json_sprintf("%s…", cut));
			free(cut);
			return;
		}
}

enum outcome needs_source_records(struct ctx *cx, int64_t household_id, json_t **out)
{
	json_t *hh = NULL, *row;
	size_t i;
	*out = NULL;
	enum outcome res = household_get(cx, household_id, &hh);
	json_decref(hh);
	if (res != OUT_OK)
		return res;
	json_t *rows = ledger_rows(cx, "source id date text name_zh name_en", "titttt",
		"SELECT 'visit', id, date, found, NULL, NULL FROM visits WHERE household_id = ?"
		" UNION ALL SELECT 'service_request', r.id, r.received_on, r.note, m.name_zh,"
		" m.name_en FROM service_requests r JOIN service_matters m ON m.code = r.matter"
		" WHERE r.household_id = ?"
		" UNION ALL SELECT 'petition', p.id, p.received_on, CASE WHEN p.anonymous = 1 THEN"
		" NULL ELSE p.content END, c.name_zh, c.name_en"
		" FROM petitions p JOIN petition_categories c ON c.code = p.category"
		" WHERE p.household_id = ?"
		" ORDER BY 3 DESC, 2 DESC", "iii", household_id, household_id, household_id);
	if (!rows)
		return OUT_INTERNAL;
	json_array_foreach(rows, i, row)
		shorten(row, "text", 30);
	*out = json_pack("{s:o}", "items", rows);
	return OUT_OK;
}

/* ---------------------------------------------------------------- resolving */

enum outcome need_resolve(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"measure", NULL};
	json_t *before = NULL;
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	res = ledger_row(cx, &needs_ledger, id, &before);
	int64_t hh = json_integer_value(json_object_get(before, "household_id"));
	if (res == OUT_OK)
		res = household_guard_writable_by(cx, hh, role_can_visit);
	if (res != OUT_OK) {
		json_decref(before);
		return tx_end(cx->db, res, store_failed_in_tx(cx->db) ? STORE_ERROR : STORE_OK);
	}
	jx_only(body, allowed, "", cx->errs);
	const char *measure = jx_string(body, "measure", "", false, 1000, cx->errs);
	if (json_is_true(json_object_get(before, "resolved")))
		verrors_add(cx->errs, "resolved", "need_already_resolved");
	if (cx->errs->n) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	char today[11];
	date_format(cx->today, today);
	int rc = store_exec(cx->db, "UPDATE needs SET resolved = 1, resolved_on = ?,"
		" resolved_by = ?, measure = CASE WHEN ? IS NULL THEN measure ELSE ? END"
		" WHERE id = ? AND resolved = 0", "tttti", today, cx->actor->username, measure,
		measure, id);
	if (rc == STORE_OK)
		res = ledger_row(cx, &needs_ledger, id, out);
	if (rc == STORE_OK && res == OUT_OK)
		rc = ledger_recorded(cx, hh, "resolve", "need", id, before, *out);
	json_decref(before);
	return tx_end_out(cx->db, res, rc, out);
}

/* ---------------------------------------------------------------- across households */

#define NEED_NAMES "id household_id household_number dest_community category description" \
	" source source_id measure owner due_on resolved resolved_on resolved_by raised_on" \
	" raised_by created_at"
#define NEED_KINDS "iittttti" "ttt" "btttt" "t"
#define NEED_SQL "SELECT n.id, n.household_id, h.number, h.dest_community, n.category," \
	" n.description, n.source, n.source_id, n.measure, n.owner, n.due_on, n.resolved," \
	" n.resolved_on, n.resolved_by, n.raised_on, n.raised_by, n.created_at FROM needs n" \
	" JOIN households h ON h.id = n.household_id"

enum outcome need_list(struct ctx *cx, const struct need_filter *f, json_t **out)
{
	char lo[16], hi[17], today[11], plo[16] = "", phi[17] = "";
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	if (f->community && *f->community) {
		snprintf(plo, sizeof(plo), "%s", f->community);
		snprintf(phi, sizeof(phi), "%s:", f->community);
	}
	int64_t status = !f->status ? -1 : strcmp(f->status, "resolved") == 0;
	json_t *rows = ledger_rows(cx, NEED_NAMES, NEED_KINDS, NEED_SQL " WHERE " SCOPE_SQL
		" AND (? = '' OR (h.dest_community >= ? AND h.dest_community < ?))"
		" AND (? < 0 OR n.resolved = ?) AND (? = 0 OR (n.resolved = 0 AND n.due_on < ?))"
		" AND (? IS NULL OR n.category = ?) AND (? = 0 OR n.household_id = ?)"
		" ORDER BY n.resolved, CASE WHEN n.resolved = 0 THEN n.due_on END,"
		" n.resolved_on DESC, n.id LIMIT ? OFFSET ?",
		SCOPE_TYPES "ttt" "ii" "it" "tt" "ii" "ii", SCOPE_ARGS(lo, hi), plo, plo, phi,
		status, status, (int64_t)f->overdue, today, f->category, f->category,
		f->household_id, f->household_id, (int64_t)f->limit + 1, f->offset);
	if (!rows)
		return OUT_INTERNAL;
	json_t *next = json_null();
	if (json_array_size(rows) > (size_t)f->limit) {
		json_array_remove(rows, (size_t)f->limit);
		next = json_string(arena_printf(cx->arena, "%lld", (long long)(f->offset + f->limit)));
	}
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		on_read(cx, r);
	*out = json_pack("{s:o, s:o}", "items", rows, "next", next);
	return OUT_OK;
}

enum outcome need_figures(struct ctx *cx, const char *community, json_t **out)
{
	char lo[16], hi[17], today[11], plo[16] = "", phi[17] = "";
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	if (community && *community) {
		snprintf(plo, sizeof(plo), "%s", community);
		snprintf(phi, sizeof(phi), "%s:", community);
	}
	/* one grouped pass; the totals are the sum of the categories */
	json_t *rows = ledger_rows(cx, "key name needs open overdue resolved resolved_in_time",
		"tt" "iiiii", "SELECT c.code, c.name_zh, count(n.id),"
		" coalesce(sum(CASE WHEN n.resolved = 0 THEN 1 ELSE 0 END), 0),"
		" coalesce(sum(CASE WHEN n.resolved = 0 AND n.due_on < ? THEN 1 ELSE 0 END), 0),"
		" coalesce(sum(n.resolved), 0),"
		" coalesce(sum(CASE WHEN n.resolved = 1 AND n.resolved_on <= n.due_on THEN 1 ELSE 0 END), 0)"
		" FROM need_categories c JOIN needs n ON n.category = c.code"
		" JOIN households h ON h.id = n.household_id WHERE " SCOPE_SQL
		" AND (? = '' OR (h.dest_community >= ? AND h.dest_community < ?))"
		" GROUP BY c.code, c.name_zh, c.sort ORDER BY c.sort, c.code",
		"t" SCOPE_TYPES "ttt", today, SCOPE_ARGS(lo, hi), plo, plo, phi);
	if (!rows)
		return OUT_INTERNAL;
	static const char *const keys[] = {"needs", "open", "overdue", "resolved",
		"resolved_in_time", NULL};
	json_t *totals = json_object();
	for (int k = 0; keys[k]; k++) {
		json_int_t sum = 0;
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			sum += json_integer_value(json_object_get(r, keys[k]));
		json_object_set_new(totals, keys[k], json_integer(sum));
	}
	*out = json_pack("{s:o, s:o}", "totals", totals, "by_category", rows);
	return OUT_OK;
}
