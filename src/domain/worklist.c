/* worklist: runs the follow-up rules kept as data in followup_rules. */
#include "domain/worklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

/* The one-row table every rule reads its dates from. */
#define K_CTE "WITH k(today, labor_born_after, labor_born_by, school_born_after," \
	" school_born_by, pension_born_by, idle_since, visited_since, due_before) AS" \
	" (VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)) "
#define K_TYPES "ttttttttt"
#define K_ARGS(d) (d).today, (d).labor_born_after, (d).labor_born_by, (d).school_born_after, \
	(d).school_born_by, (d).pension_born_by, (d).idle_since, (d).visited_since, (d).due_before

/* The scope applies to the entries' households (alias h in SCOPE_SQL). */
#define SCOPED_FROM " FROM (%s) w JOIN households h ON h.id = w.household_id WHERE " SCOPE_SQL

struct rule {
	char key[40], level[12], setting[40];
	const char *query;
};

/* The active rules in their order; n is how many. Queries live in the arena. */
static int load_rules(struct ctx *cx, struct rule *rules, int max, const char *only)
{
	int n = 0;
	struct store_rows *r = store_query(cx->db, "SELECT key, level, coalesce(setting, ''), query"
		" FROM followup_rules WHERE active = 1 AND (? IS NULL OR key = ?) ORDER BY sort", "tt",
		only, only);
	while (store_next(r) && n < max) {
		snprintf(rules[n].key, sizeof(rules[n].key), "%s", store_text(r, 0));
		snprintf(rules[n].level, sizeof(rules[n].level), "%s", store_text(r, 1));
		snprintf(rules[n].setting, sizeof(rules[n].setting), "%s", store_text(r, 2));
		rules[n].query = arena_strdup(cx->arena, store_text(r, 3));
		n++;
	}
	return store_finish(r) == STORE_OK ? n : -1;
}

static bool dates_now(struct ctx *cx, struct followup_dates *d)
{
	struct followup_settings s;
	if (!followup_settings_load(cx, &s))
		return false;
	followup_dates_for(&s, cx->today, d);
	return true;
}

static int setting_value(struct ctx *cx, const char *key)
{
	int rc;
	return (int)store_one_int(cx->db, &rc, "SELECT value FROM followup_settings WHERE key = ?",
				  "t", key);
}

enum outcome worklist_counts(struct ctx *cx, json_t **out)
{
	struct rule rules[32];
	struct followup_dates d;
	char lo[16], hi[17];
	*out = NULL;
	int n = load_rules(cx, rules, 32, NULL);
	if (n < 0 || !dates_now(cx, &d))
		return OUT_INTERNAL;
	actor_scope_range(cx->actor, lo, hi);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		int rc;
		int64_t count = store_one_int(cx->db, &rc, arena_printf(cx->arena,
			K_CTE "SELECT count(*)" SCOPED_FROM, rules[i].query),
			K_TYPES SCOPE_TYPES, K_ARGS(d), SCOPE_ARGS(lo, hi));
		if (rc != STORE_OK) {
			json_decref(items);
			return OUT_INTERNAL;
		}
		json_t *o = json_pack("{s:s, s:s, s:I}", "rule", rules[i].key, "level", rules[i].level,
				      "count", (json_int_t)count);
		json_object_set_new(o, "setting", *rules[i].setting ? json_string(rules[i].setting)
				    : json_null());
		json_object_set_new(o, "value", *rules[i].setting
				    ? json_integer(setting_value(cx, rules[i].setting)) : json_null());
		json_array_append_new(items, o);
	}
	*out = json_pack("{s:o, s:s}", "items", items, "today", d.today);
	return OUT_OK;
}

/* "12-0" → 12, 0; false when it is not that shape. */
static bool parse_cursor(const char *after, int64_t *hh, int64_t *person)
{
	char *end;
	*hh = *person = 0;
	if (!after)
		return true;
	long long a = strtoll(after, &end, 10);
	if (end == after || *end != '-' || a < 0)
		return false;
	const char *p = end + 1;
	long long b = strtoll(p, &end, 10);
	if (end == p || *end || b < 0)
		return false;
	*hh = a;
	*person = b;
	return true;
}

enum outcome worklist_entries(struct ctx *cx, const char *rule, const char *after, int limit,
			      json_t **out)
{
	struct rule r1;
	struct followup_dates d;
	char lo[16], hi[17];
	int64_t after_hh, after_person;
	*out = NULL;
	if (!parse_cursor(after, &after_hh, &after_person)) {
		verrors_add(cx->errs, "after", "invalid_cursor");
		return OUT_INVALID;
	}
	int n = load_rules(cx, &r1, 1, rule);
	if (n < 0 || !dates_now(cx, &d))
		return OUT_INTERNAL;
	if (n == 0)
		return OUT_NOT_FOUND;
	actor_scope_range(cx->actor, lo, hi);
	int64_t fetch = limit > 0 ? limit + 1 : INT64_MAX;
	const char *sql = arena_printf(cx->arena, K_CTE "SELECT w.household_id, h.number,"
		" (SELECT name FROM persons WHERE household_id = h.id AND relation = 'head'"
		"  AND status = 'member' LIMIT 1), w.person_id, p.name, w.detail,"
		" rs.responsible_person, substr(h.origin_village, 1, 9), h.dest_community"
		" FROM (%s) w JOIN households h ON h.id = w.household_id"
		" LEFT JOIN persons p ON p.id = w.person_id"
		" LEFT JOIN relocation_support rs ON rs.household_id = h.id"
		" WHERE " SCOPE_SQL " AND (w.household_id > ? OR (w.household_id = ? AND"
		" coalesce(w.person_id, 0) > ?))"
		" ORDER BY w.household_id, coalesce(w.person_id, 0) LIMIT ?", r1.query);
	json_t *items = json_array();
	int count = 0;
	int64_t last_hh = 0, last_person = 0;
	struct store_rows *r = store_query(cx->db, sql, K_TYPES SCOPE_TYPES "iiii", K_ARGS(d),
					   SCOPE_ARGS(lo, hi), after_hh, after_hh, after_person, fetch);
	while (store_next(r)) {
		if (limit > 0 && count == limit) {
			count++;
			break;
		}
		count++;
		last_hh = store_int(r, 0);
		last_person = store_null(r, 3) ? 0 : store_int(r, 3);
		json_t *o = json_pack("{s:I, s:s}", "household_id", (json_int_t)last_hh,
				      "number", store_text(r, 1));
		static const char *const text_cols[] = {"head_name", NULL, "person_name", "detail",
			"responsible_person", "origin_town", "dest_community"};
		for (int c = 2; c <= 8; c++) {
			if (c == 3) {
				json_object_set_new(o, "person_id", store_null(r, 3) ? json_null()
						    : json_integer(store_int(r, 3)));
				continue;
			}
			json_object_set_new(o, text_cols[c - 2], store_null(r, c) ? json_null()
					    : json_string(store_text(r, c)));
		}
		json_array_append_new(items, o);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:s, s:s, s:o}", "rule", r1.key, "level", r1.level, "items", items);
	json_object_set_new(*out, "next", limit > 0 && count > limit
		? json_string(arena_printf(cx->arena, "%lld-%lld", (long long)last_hh,
					   (long long)last_person)) : json_null());
	return OUT_OK;
}

enum outcome worklist_rules(struct ctx *cx, json_t **out)
{
	json_t *rules = ledger_rows(cx, "rule level setting active sort", "tttbi",
		"SELECT key, level, setting, active, sort FROM followup_rules ORDER BY sort", NULL);
	json_t *rows = ledger_rows(cx, "key value min max", "tiii",
		"SELECT key, value, min, max FROM followup_settings ORDER BY key", NULL);
	*out = NULL;
	if (!rules || !rows) {
		json_decref(rules);
		json_decref(rows);
		return OUT_INTERNAL;
	}
	json_t *settings = json_object(), *s;
	size_t i;
	json_array_foreach(rows, i, s) {
		json_object_set(settings, json_string_value(json_object_get(s, "key")), s);
		json_object_del(s, "key");
	}
	json_decref(rows);
	*out = json_pack("{s:o, s:o}", "rules", rules, "settings", settings);
	return OUT_OK;
}

enum outcome worklist_rules_put(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"settings", "rules", NULL};
	*out = NULL;
	if (!role_is_admin(cx->actor->role))
		return OUT_FORBIDDEN;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *before = NULL;
	if (worklist_rules(cx, &before) != OUT_OK)
		return tx_end(cx->db, OUT_INTERNAL, STORE_OK);
	int rc = STORE_OK;
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(body, "settings"), key, v) {
		json_t *cur = json_object_get(json_object_get(before, "settings"), key);
		char field[64];
		snprintf(field, sizeof(field), "settings.%.40s", key);
		if (!cur)
			verrors_add(cx->errs, field, "unknown_field");
		else if (!json_is_integer(v) ||
			 json_integer_value(v) < json_integer_value(json_object_get(cur, "min")) ||
			 json_integer_value(v) > json_integer_value(json_object_get(cur, "max")))
			verrors_add(cx->errs, field, "out_of_range");
		else if (rc == STORE_OK)
			rc = store_exec(cx->db, "UPDATE followup_settings SET value = ? WHERE key = ?",
					"it", (int64_t)json_integer_value(v), key);
	}
	json_object_foreach(json_object_get(body, "rules"), key, v) {
		char field[64];
		int rc2;
		snprintf(field, sizeof(field), "rules.%.40s", key);
		if (!json_is_boolean(v))
			verrors_add(cx->errs, field, "type_boolean");
		else if (store_one_int(cx->db, &rc2, "SELECT count(*) FROM followup_rules WHERE key = ?",
				       "t", key) == 0)
			verrors_add(cx->errs, field, "unknown_field");
		else if (rc == STORE_OK)
			rc = store_exec(cx->db, "UPDATE followup_rules SET active = ? WHERE key = ?", "it",
					(int64_t)json_is_true(v), key);
	}
	if (cx->errs->n) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	if (rc == STORE_OK && worklist_rules(cx, out) != OUT_OK)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = audit_write(cx, "update", "followup_rules", 0, before, *out);
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
