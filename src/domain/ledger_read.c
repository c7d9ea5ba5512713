/* ledger_read: a ledger read from its descriptor — its rows as JSON, one row, the list
 * of an owner, the ETags — and the owner checks every ledger shares (ledger.h). The
 * writes are ledger.c's. */
#include "domain/ledger.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/date.h"
#include "core/date_rule.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/tx.h"

/* The most columns ledger_rows names: a ledger's id, owner, fields, reads and time. */
#define ROWS_MAX_COLUMNS (LEDGER_MAX_FIELDS + LEDGER_MAX_READS + 3)

json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...)
{
	char keys[ROWS_MAX_COLUMNS][40];
	int n = 0;
	for (const char *p = names; *p;) {
		size_t len = strcspn(p, " ");
		CHECK(n < ROWS_MAX_COLUMNS && len < sizeof(keys[0]));
		snprintf(keys[n++], sizeof(keys[0]), "%.*s", (int)len, p);
		p += len;
		p += strspn(p, " ");
	}
	va_list ap;
	va_start(ap, types);
	struct store_rows *r = store_vquery(cx->db, sql, types, ap);
	va_end(ap);
	json_t *arr = json_array();
	while (store_next(r)) {
		json_t *o = json_object();
		for (int c = 0; c < n && kinds[c]; c++) {
			json_t *v;
			if (store_null(r, c))
				v = json_null();
			else if (kinds[c] == 'i')
				v = json_integer(store_int(r, c));
			else if (kinds[c] == 'r')
				v = json_real(store_double(r, c));
			else if (kinds[c] == 'b')
				v = json_boolean(store_int(r, c));
			else
				v = json_string(store_text(r, c));
			json_object_set_new(o, keys[c], v);
		}
		json_array_append_new(arr, o);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum outcome ledger_person(struct ctx *cx, int64_t person_id, bool write, json_t **person)
{
	*person = person_load(cx, person_id);
	if (!*person)
		return OUT_NOT_FOUND;
	enum outcome res = OUT_OK;
	if (write) {
		int64_t hh = json_integer_value(json_object_get(*person, "household_id"));
		res = household_guard_writable(cx, hh);
		if (res == OUT_OK && strcmp(json_string_value(json_object_get(*person, "status")),
					    "member") != 0) {
			verrors_add(cx->errs, "person_id", "person_not_member");
			res = OUT_CONFLICT;
		}
	}
	if (res != OUT_OK) {
		json_decref(*person);
		*person = NULL;
	}
	return res;
}

enum outcome ledger_person_visible(struct ctx *cx, int64_t person_id)
{
	json_t *p = NULL;
	enum outcome res = ledger_person(cx, person_id, false, &p);
	json_decref(p);
	return res;
}

enum outcome ledger_items(json_t *rows, json_t **out)
{
	*out = rows ? json_pack("{s:o}", "items", rows) : NULL;
	return rows ? OUT_OK : OUT_INTERNAL;
}

enum outcome ledger_household(struct ctx *cx, int64_t household_id, bool write, json_t **household)
{
	*household = NULL;
	enum outcome res = write ? household_guard_writable(cx, household_id) : OUT_OK;
	if (res == OUT_OK)
		res = household_get(cx, household_id, household);
	return res;
}

long ledger_day(const char *date)
{
	int y, m, d;
	return date && date_parse(date, &y, &m, &d) ? date_days(y, m, d) : -1;
}

int ledger_age(const char *birth, long day)
{
	long b = ledger_day(birth);
	return b < 0 ? -1 : date_age(b, day);
}

int ledger_field_count(const struct ledger *l)
{
	int n = 0, reads = 0, changeable = 0;
	for (const struct ledger_field *f = l->fields; f && f->name; f++)
		n++;
	for (const struct ledger_read *r = l->reads; r && r->name; r++)
		reads++;
	for (int k = 0; l->changeable && l->changeable[k]; k++)
		changeable++;
	CHECK(n <= LEDGER_MAX_FIELDS);	/* raise LEDGER_MAX_FIELDS (ledger.h) */
	CHECK(reads <= LEDGER_MAX_READS);
	CHECK(changeable <= n);
	return n;
}

const char *ledger_owner_column(const struct ledger *l)
{
	return l->owner == LEDGER_OF_HOUSEHOLD ? "household_id" : "person_id";
}

/* The SELECT of a ledger's rows: id (a ROWS ledger's), owner, the fields, the reads, and
 * the time (created_at of a row, updated_at of a one-record ledger); with the names and
 * kinds ledger_rows takes. */
static const char *select_rows(struct ctx *cx, const struct ledger *l, const char **names,
			       const char **kinds)
{
	bool one = l->shape == LEDGER_ONE;
	const char *stamp = one ? "updated_at" : "created_at";
	ledger_field_count(l);
	const char *cols = arena_printf(cx->arena, "%s%s", one ? "" : "id, ", ledger_owner_column(l));
	*names = arena_printf(cx->arena, "%s%s", one ? "" : "id ", ledger_owner_column(l));
	*kinds = one ? "i" : "ii";
	for (const struct ledger_field *f = l->fields; f->name; f++) {
		char k = f->kind == 'i' || f->kind == 'r' || f->kind == 'b' ? f->kind : 't';
		if (f->body_only)
			continue;
		cols = arena_printf(cx->arena, "%s, %s", cols, f->name);
		*names = arena_printf(cx->arena, "%s %s", *names, f->name);
		*kinds = arena_printf(cx->arena, "%s%c", *kinds, k);
	}
	for (const struct ledger_read *r = l->reads; r && r->name; r++) {
		cols = arena_printf(cx->arena, "%s, %s", cols, r->sql);
		*names = arena_printf(cx->arena, "%s %s", *names, r->name);
		*kinds = arena_printf(cx->arena, "%s%c", *kinds, r->kind);
	}
	*names = arena_printf(cx->arena, "%s %s", *names, stamp);
	*kinds = arena_printf(cx->arena, "%st", *kinds);
	return arena_printf(cx->arena, "SELECT %s, %s FROM %s", cols, stamp, l->table);
}

/* Rows of a ROWS ledger: those of an owner (by_owner) or the one row `id`; of a one-record
 * ledger, the owner's (none or one). */
static json_t *read_rows(struct ctx *cx, const struct ledger *l, bool by_owner, int64_t id)
{
	const char *names, *kinds, *sql = select_rows(cx, l, &names, &kinds);
	sql = by_owner ? arena_printf(cx->arena, "%s WHERE %s = ?%s%s", sql, ledger_owner_column(l),
				      l->order ? " ORDER BY " : "", l->order ? l->order : "")
		       : arena_printf(cx->arena, "%s WHERE id = ?", sql);
	json_t *rows = ledger_rows(cx, names, kinds, sql, "i", id), *row;
	size_t i;
	json_array_foreach(l->on_read ? rows : NULL, i, row)
		l->on_read(cx, row);
	return rows;
}

json_t *ledger_read_row(struct ctx *cx, const struct ledger *l, int64_t id)
{
	json_t *rows = read_rows(cx, l, false, id);
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row;
}

/* OUT_OK when the actor may read (or, with write, change) the owner's ledgers; *owner is
 * then the person's JSON, or {"household_id"} for a household (the caller releases it). */
enum outcome ledger_owner_check(struct ctx *cx, enum ledger_owner kind, int64_t owner_id,
				bool write, json_t **owner)
{
	*owner = NULL;
	if (kind == LEDGER_OF_PERSON)
		return ledger_person(cx, owner_id, write, owner);
	json_t *h = NULL;
	enum outcome res = ledger_household(cx, owner_id, write, &h);
	json_decref(h);
	if (res == OUT_OK)
		*owner = json_pack("{s:I}", "household_id", (json_int_t)owner_id);
	return res;
}

int64_t ledger_owner_household(json_t *owner)
{
	return json_integer_value(json_object_get(owner, "household_id"));
}

enum outcome ledger_list(struct ctx *cx, const struct ledger *l, int64_t owner_id, json_t **out)
{
	json_t *owner = NULL;
	*out = NULL;
	if (l->shape == LEDGER_SET)
		return l->get(cx, owner_id, out);
	enum outcome res = ledger_owner_check(cx, l->owner, owner_id, false, &owner);
	json_decref(owner);
	if (res != OUT_OK)
		return res;
	json_t *rows = read_rows(cx, l, true, owner_id);
	if (rows && l->shape == LEDGER_ONE && json_array_size(rows) == 0) {
		/* nothing recorded yet: the record as the descriptor says it reads then */
		json_t *absent = json_loads(l->absent ? l->absent : "{}", 0, NULL);
		json_t *rec = json_pack("{s:I}", ledger_owner_column(l), (json_int_t)owner_id);
		json_object_update(rec, absent);
		json_decref(absent);
		json_array_append_new(rows, rec);
	}
	res = ledger_items(rows, out);
	if (res == OUT_OK && l->on_list)
		l->on_list(cx, *out);
	return res;
}

/* tx_record for a ROWS ledger's row: found when the actor may see its owner. */
json_t *ledger_load_visible(struct ctx *cx, const void *arg, int64_t id)
{
	const struct ledger *l = arg;
	json_t *row = ledger_read_row(cx, l, id), *owner = NULL;
	if (row && ledger_owner_check(cx, l->owner, json_integer_value(json_object_get(row,
			ledger_owner_column(l))), false, &owner) != OUT_OK) {
		json_decref(row);
		row = NULL;
	}
	json_decref(owner);
	return row;
}

enum outcome ledger_row(struct ctx *cx, const struct ledger *l, int64_t row_id, json_t **out)
{
	*out = l->shape == LEDGER_ROWS ? ledger_load_visible(cx, l, row_id) : NULL;
	return *out ? OUT_OK : OUT_NOT_FOUND;
}

/* FNV-1a of the JSON's canonical text (keys sorted): a version of what it holds. */
static unsigned long long json_hash(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h = 1469598103934665603ull;
	for (const char *p = s ? s : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	free(s);
	return (unsigned long long)h;
}

void ledger_row_etag(json_t *row, char out[48])
{
	snprintf(out, 48, "\"r%lld-%016llx\"", (long long)json_integer_value(json_object_get(row,
		 "id")), json_hash(row));
}

void ledger_whole_etag(json_t *whole, char out[48])
{
	snprintf(out, 48, "\"w-%016llx\"", json_hash(whole));
}

/* ---------------------------------------------------------------- the audit API */

int64_t ledger_audit_household(struct ctx *cx, const char *entity, int64_t id)
{
	json_t *owner = NULL, *row = NULL;
	for (int i = 0; entity && ledgers[i]; i++) {
		const struct ledger *l = ledgers[i];
		if (strcmp(l->entity, entity) != 0)
			continue;
		int64_t owner_id = id;	/* SET and ONE: the audit row names the owner */
		if (l->shape == LEDGER_ROWS) {
			row = ledger_read_row(cx, l, id);
			owner_id = json_integer_value(json_object_get(row, ledger_owner_column(l)));
			json_decref(row);
		}
		int64_t hh = owner_id && ledger_owner_check(cx, l->owner, owner_id, false, &owner) == OUT_OK
			? ledger_owner_household(owner) : 0;
		json_decref(owner);
		return hh;
	}
	return 0;
}
