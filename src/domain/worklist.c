/* worklist: the follow-up rules of followup_rules evaluated over the pass's facts. */
#include "domain/worklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/followup_pass.h"
#include "domain/ledger.h"
#include "domain/privacy.h"
#include "domain/tx.h"

/* The one-row table the detail queries read the pass's dates from. */
#define K_CTE "WITH k(today, labor_born_after, labor_born_by, school_born_after," \
	" school_born_by, pension_born_by, idle_since, visited_since, due_before) AS" \
	" (VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)) "
#define K_TYPES "ttttttttt"
#define K_ARGS(d) (d).today, (d).labor_born_after, (d).labor_born_by, (d).school_born_after, \
	(d).school_born_by, (d).pension_born_by, (d).idle_since, (d).visited_since, (d).due_before

struct rule {
	char key[40], level[12], setting[40];
	bool household;
	struct fact_condition cond;
	const char *detail;	/* the detail query with K_CTE, built once; NULL when none */
	bool detail_is_birth_date;	/* the detail shows a birth date (masked as such) */
};

/* The active rules in their order (or only `only`); -1 on a storage error. A rule whose
 * condition names an unknown fact is left out and logged: a bad row cannot list everyone. */
static int load_rules(struct ctx *cx, struct rule *rules, int max, const char *only)
{
	int n = 0;
	struct store_rows *r = store_query(cx->db, "SELECT key, level, coalesce(setting, ''),"
		" condition, detail FROM followup_rules WHERE active = 1 AND (? IS NULL OR key = ?)"
		" ORDER BY sort", "tt", only, only);
	while (store_next(r) && n < max) {
		struct rule *u = &rules[n];
		const char *bad = "";
		snprintf(u->key, sizeof(u->key), "%s", store_text(r, 0));
		snprintf(u->level, sizeof(u->level), "%s", store_text(r, 1));
		snprintf(u->setting, sizeof(u->setting), "%s", store_text(r, 2));
		u->household = strcmp(u->level, "household") == 0;
		/* Built once here, not per entry: a long list must not grow the arena per row. */
		u->detail = store_null(r, 4) ? NULL : arena_printf(cx->arena, K_CTE "%s", store_text(r, 4));
		u->detail_is_birth_date = !store_null(r, 4) &&
					  strncmp(store_text(r, 4), "SELECT birth_date ", 18) == 0;
		if (!store_null(r, 4) && !u->detail) {
			store_finish(r);
			return -1;
		}
		if (!followup_pass_condition_parse(store_text(r, 3), u->household, &u->cond, &bad)) {
			log_warn("follow-up rule %s: unknown fact '%s' in its condition", u->key, bad);
			continue;
		}
		n++;
	}
	return store_finish(r) == STORE_OK ? n : -1;
}

static int setting_value(struct ctx *cx, const char *key)
{
	int rc;
	return (int)store_one_int(cx->db, &rc, "SELECT value FROM followup_settings WHERE key = ?",
				  "t", key);
}

static int64_t rule_count(const struct followup_pass *p, const struct rule *u)
{
	int64_t n = 0;
	if (u->household) {
		for (int64_t id = 1; id <= p->max_hh; id++)
			n += household_meets(p, id, &u->cond);
	} else {
		for (int64_t id = 1; id <= p->max_person; id++)
			n += person_meets(p, id, &u->cond);
	}
	return n;
}

enum outcome worklist_counts(struct ctx *cx, json_t **out)
{
	struct followup_pass p;
	*out = NULL;
	if (!followup_pass_run(cx, &p, PASS_RULE_FACTS))
		return OUT_INTERNAL;
	enum outcome res = worklist_counts_of(cx, &p, out);
	followup_pass_release(&p);
	return res;
}

enum outcome worklist_counts_of(struct ctx *cx, const struct followup_pass *pass, json_t **out)
{
	struct rule rules[32];
	const struct followup_pass p = *pass;
	*out = NULL;
	int n = load_rules(cx, rules, 32, NULL);
	if (n < 0)
		return OUT_INTERNAL;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:I}", "rule", rules[i].key, "level", rules[i].level,
				      "count", (json_int_t)rule_count(&p, &rules[i]));
		json_object_set_new(o, "setting", *rules[i].setting ? json_string(rules[i].setting)
				    : json_null());
		json_object_set_new(o, "value", *rules[i].setting
				    ? json_integer(setting_value(cx, rules[i].setting)) : json_null());
		json_array_append_new(items, o);
	}
	*out = json_pack("{s:o, s:s}", "items", items, "today", p.dates.today);
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

struct entry {
	int64_t household, person;
};

static int by_household(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->household != y->household)
		return x->household < y->household ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

/* The entries of a rule in household, person order. */
static struct entry *collect(const struct followup_pass *p, const struct rule *u, int64_t *n)
{
	int64_t cap = 1024;
	struct entry *e = malloc(sizeof(*e) * (size_t)cap);
	*n = 0;
	int64_t last = u->household ? p->max_hh : p->max_person;
	for (int64_t id = 1; e && id <= last; id++) {
		bool meets = u->household ? household_meets(p, id, &u->cond) : person_meets(p, id, &u->cond);
		if (!meets)
			continue;
		if (*n == cap) {
			struct entry *t = realloc(e, sizeof(*e) * (size_t)(cap *= 2));
			if (!t) {
				free(e);
				return NULL;
			}
			e = t;
		}
		e[(*n)++] = u->household ? (struct entry){id, 0} : (struct entry){p->p_hh[id], id};
	}
	if (e && !u->household)
		qsort(e, (size_t)*n, sizeof(*e), by_household);
	return e;
}

/* One entry with its names, responsible person and the rule's detail. */
static json_t *entry_json(struct ctx *cx, const struct rule *u, const struct followup_dates *d,
			  const struct entry *e)
{
	json_t *rows = ledger_rows(cx, "household_id number head_name responsible_person origin_town"
		" dest_community", "itttt" "t", "SELECT h.id, h.number, (SELECT name FROM persons WHERE"
		" household_id = h.id AND relation = 'head' AND status = 'member' LIMIT 1),"
		" rs.responsible_person, substr(h.origin_village, 1, 9), h.dest_community"
		" FROM households h LEFT JOIN relocation_support rs ON rs.household_id = h.id"
		" WHERE h.id = ?", "i", e->household);
	json_t *o = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!o)
		return NULL;
	json_object_set_new(o, "person_id", e->person ? json_integer(e->person) : json_null());
	json_object_set_new(o, "person_name", json_null());
	if (e->person) {
		struct store_rows *r = store_query(cx->db, "SELECT name FROM persons WHERE id = ?", "i",
						   e->person);
		if (store_next(r))
			json_object_set_new(o, "person_name", json_string(store_text(r, 0)));
		store_finish(r);
	}
	json_object_set_new(o, "detail", json_null());
	if (u->detail) {
		struct store_rows *r = store_query(cx->db, u->detail,
			K_TYPES "i", K_ARGS(*d), e->person ? e->person : e->household);
		if (store_next(r) && !store_null(r, 0))
			json_object_set_new(o, "detail", json_string(store_text(r, 0)));
		if (store_finish(r) != STORE_OK) {
			json_decref(o);
			return NULL;
		}
		/* A detail that is a person's birth date (the pension rule's) is a birth date
		 * under another name: the mask cannot tell it by its key. */
		if (u->detail_is_birth_date)
			privacy_present_birth_date(cx->actor->role, o, "detail");
	}
	/* masked here, where the row is built, so the list, its page and its CSV/XLSX
	 * exports all carry the same masked row */
	privacy_present(cx->actor->role, o);
	return o;
}

enum outcome worklist_entries(struct ctx *cx, const char *rule, const char *after, int limit,
			      json_t **out)
{
	struct rule u;
	struct followup_pass p;
	int64_t after_hh, after_person, n = 0;
	*out = NULL;
	if (!parse_cursor(after, &after_hh, &after_person)) {
		verrors_add(cx->errs, "after", "invalid_cursor");
		return OUT_INVALID;
	}
	int found = load_rules(cx, &u, 1, rule);
	if (found < 0)
		return OUT_INTERNAL;
	if (found == 0)
		return OUT_NOT_FOUND;
	if (!followup_pass_run(cx, &p, PASS_RULE_FACTS))
		return OUT_INTERNAL;
	struct entry *e = collect(&p, &u, &n);
	if (!e) {
		followup_pass_release(&p);
		return OUT_INTERNAL;
	}
	json_t *items = json_array();
	int64_t i = 0, shown = 0;
	while (i < n && (e[i].household < after_hh ||
			 (e[i].household == after_hh && e[i].person <= after_person)))
		i++;
	bool ok = true;
	for (; i < n && (limit == 0 || shown < limit) && ok; i++, shown++) {
		json_t *o = entry_json(cx, &u, &p.dates, &e[i]);
		ok = o != NULL;
		json_array_append_new(items, o);
	}
	*out = json_pack("{s:s, s:s, s:I, s:o}", "rule", u.key, "level", u.level,
			 "count", (json_int_t)n, "items", items);
	json_object_set_new(*out, "next", ok && i < n && i > 0
		? json_string(arena_printf(cx->arena, "%lld-%lld", (long long)e[i - 1].household,
					   (long long)e[i - 1].person)) : json_null());
	free(e);
	followup_pass_release(&p);
	if (!ok) {
		json_decref(*out);
		*out = NULL;
		return OUT_INTERNAL;
	}
	return OUT_OK;
}

/* ---------------------------------------------------------------- cursors (exports) */

struct worklist_cursor {
	struct rule u;
	char *detail;			/* u.detail's own copy: the cursor outlives the arena */
	struct followup_dates dates;
	struct entry *e;
	int64_t n, next;
};

enum outcome worklist_open(struct ctx *cx, const char *rule, struct worklist_cursor **out)
{
	struct followup_pass p;
	*out = NULL;
	struct worklist_cursor *c = calloc(1, sizeof(*c));
	if (!c)
		return OUT_TOO_LARGE;
	int found = load_rules(cx, &c->u, 1, rule);
	if (found <= 0) {
		free(c);
		return found < 0 ? OUT_INTERNAL : OUT_NOT_FOUND;
	}
	if (c->u.detail && !(c->detail = strdup(c->u.detail))) {
		free(c);
		return OUT_TOO_LARGE;
	}
	c->u.detail = c->detail;
	if (!followup_pass_run(cx, &p, PASS_RULE_FACTS)) {
		worklist_close(c);
		return OUT_INTERNAL;
	}
	c->dates = p.dates;
	c->e = collect(&p, &c->u, &c->n);
	followup_pass_release(&p);
	if (!c->e) {
		worklist_close(c);
		return OUT_TOO_LARGE;	/* the only way collect fails is memory */
	}
	*out = c;
	return OUT_OK;
}

int64_t worklist_cursor_count(const struct worklist_cursor *c)
{
	return c->n;
}

enum outcome worklist_read(struct ctx *cx, struct worklist_cursor *c, int max, json_t **items)
{
	*items = json_array();
	if (!*items)
		return OUT_TOO_LARGE;
	for (int k = 0; k < max && c->next < c->n; k++, c->next++) {
		json_t *o = entry_json(cx, &c->u, &c->dates, &c->e[c->next]);
		if (!o || json_array_append_new(*items, o)) {
			json_decref(*items);
			*items = NULL;
			return OUT_INTERNAL;
		}
	}
	return OUT_OK;
}

void worklist_close(struct worklist_cursor *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->detail);
	free(c);
}

enum outcome worklist_rules(struct ctx *cx, json_t **out)
{
	json_t *rules = ledger_rows(cx, "rule level setting active sort condition", "tttbit",
		"SELECT key, level, setting, active, sort, condition FROM followup_rules ORDER BY sort", NULL);
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
