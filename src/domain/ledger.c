/* ledger: rows as JSON, and the checks and the tail the follow-up ledgers share. */
#include "domain/ledger.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/tx.h"

json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...)
{
	char keys[32][40];
	int n = 0;
	for (const char *p = names; *p && n < 32;) {
		size_t len = strcspn(p, " ");
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

/* ledger_begin_household for the roles `may` admits (NULL: those who keep the registry). */
static enum outcome begin_household_by(struct ctx *cx, int64_t household_id, json_t *body,
				       const char *const *allowed, bool (*may)(enum role))
{
	json_t *h = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = household_guard_writable_by(cx, household_id, may);
	if (res == OUT_OK)
		res = household_get(cx, household_id, &h);
	json_decref(h);
	if (res != OUT_OK)
		return tx_end(cx->db, res, STORE_OK);
	jx_only(body, allowed, "", cx->errs);
	return OUT_OK;
}

enum outcome ledger_begin_household(struct ctx *cx, int64_t household_id, json_t *body,
				    const char *const *allowed)
{
	return begin_household_by(cx, household_id, body, allowed, NULL);
}

enum outcome ledger_begin_person(struct ctx *cx, int64_t person_id, json_t *body,
				 const char *const *allowed, json_t **person)
{
	*person = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = ledger_person(cx, person_id, true, person);
	if (res != OUT_OK)	/* a failed lookup is INTERNAL, not "no such person" */
		return tx_end(cx->db, res, STORE_OK);
	jx_only(body, allowed, "", cx->errs);
	return OUT_OK;
}

int ledger_recorded(struct ctx *cx, int64_t household_id, const char *action,
		    const char *entity, int64_t id, json_t *before, json_t *after)
{
	int rc = household_guard_touch(cx, household_id);
	return rc == STORE_OK ? audit_write(cx, action, entity, id, before, after) : rc;
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

/* ---------------------------------------------------------------- descriptors */


static const char *owner_column(const struct ledger *l)
{
	return l->owner == LEDGER_OF_HOUSEHOLD ? "household_id" : "person_id";
}

const char *ledger_date(struct ctx *cx, json_t *body, const char *key, const char *prefix,
			bool required, enum ledger_when when)
{
	const char *d = jx_date(body, key, prefix, required, cx->errs);
	long day = ledger_day(d);
	if (d && when == LEDGER_PAST && day > cx->today) {
		verrors_addf(cx->errs, prefix, key, "date_in_future");
		return NULL;
	}
	if (d && when == LEDGER_PLANNED && day > cx->today + 366) {
		verrors_addf(cx->errs, prefix, key, "date_too_far_ahead");
		return NULL;
	}
	return d;
}

/* The SELECT of a ledger's rows: id (a ROWS ledger's), owner, the fields, the reads, and
 * the time (created_at of a row, updated_at of a one-record ledger); with the names and
 * kinds ledger_rows takes. */
static const char *select_rows(struct ctx *cx, const struct ledger *l, const char **names,
			       const char **kinds)
{
	bool one = l->shape == LEDGER_ONE;
	const char *stamp = one ? "updated_at" : "created_at";
	const char *cols = arena_printf(cx->arena, "%s%s", one ? "" : "id, ", owner_column(l));
	*names = arena_printf(cx->arena, "%s%s", one ? "" : "id ", owner_column(l));
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
	sql = by_owner ? arena_printf(cx->arena, "%s WHERE %s = ?%s%s", sql, owner_column(l),
				      l->order ? " ORDER BY " : "", l->order ? l->order : "")
		       : arena_printf(cx->arena, "%s WHERE id = ?", sql);
	json_t *rows = ledger_rows(cx, names, kinds, sql, "i", id), *row;
	size_t i;
	json_array_foreach(l->on_read ? rows : NULL, i, row)
		l->on_read(cx, row);
	return rows;
}

static json_t *read_row(struct ctx *cx, const struct ledger *l, int64_t id)
{
	json_t *rows = read_rows(cx, l, false, id);
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row;
}

/* OUT_OK when the actor may read (or, with write, change) the owner's ledgers; *owner is
 * then the person's JSON, or {"household_id"} for a household (the caller releases it). */
static enum outcome owner_check(struct ctx *cx, enum ledger_owner kind, int64_t owner_id,
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

static int64_t household_of(json_t *owner)
{
	return json_integer_value(json_object_get(owner, "household_id"));
}

enum outcome ledger_list(struct ctx *cx, const struct ledger *l, int64_t owner_id, json_t **out)
{
	json_t *owner = NULL;
	*out = NULL;
	if (l->shape == LEDGER_SET)
		return l->get(cx, owner_id, out);
	enum outcome res = owner_check(cx, l->owner, owner_id, false, &owner);
	json_decref(owner);
	if (res != OUT_OK)
		return res;
	json_t *rows = read_rows(cx, l, true, owner_id);
	if (rows && l->shape == LEDGER_ONE && json_array_size(rows) == 0) {
		/* nothing recorded yet: the record as the descriptor says it reads then */
		json_t *absent = json_loads(l->absent ? l->absent : "{}", 0, NULL);
		json_t *rec = json_pack("{s:I}", owner_column(l), (json_int_t)owner_id);
		json_object_update(rec, absent);
		json_decref(absent);
		json_array_append_new(rows, rec);
	}
	res = ledger_items(rows, out);
	if (res == OUT_OK && l->on_list)
		l->on_list(cx, *out);
	return res;
}

/* Checks the fields a body gives into row (for a change: only those named, and only the
 * `only` ones; null clears an optional field). */
static void check_fields(struct ctx *cx, const struct ledger *l, json_t *body, json_t *row,
			 bool change)
{
	for (const struct ledger_field *f = l->fields; f->name; f++) {
		json_t *given = json_object_get(body, f->name), *v = NULL;
		if (change && (!given || !jx_in(f->name, l->changeable)))
			continue;
		if (change && json_is_null(given)) {
			if (f->required)
				verrors_add(cx->errs, f->name, "required");
			else
				json_object_set_new(row, f->name, json_null());
			continue;
		}
		bool required = f->required && !change, b = false;
		int64_t n = 0;
		double d = 0;
		const char *s = NULL;
		switch (f->kind) {
		case 't': s = jx_string(body, f->name, "", required, (size_t)f->max, cx->errs); break;
		case 'd': s = ledger_date(cx, body, f->name, "", required, f->when); break;
		case 's': s = jx_enum(body, f->name, "", required, f->options, cx->errs); break;
		case 'i':
			if (jx_int(body, f->name, "", required, (int64_t)f->min,
				   f->max > 0 ? (int64_t)f->max : INT64_MAX, &n, cx->errs))
				v = json_integer(n);
			break;
		case 'r':
			if (jx_number(body, f->name, "", required, f->min, f->max, &d, cx->errs))
				v = json_real(d);
			break;
		case 'b':
			if (jx_bool(body, f->name, "", required, &b, cx->errs))
				v = json_boolean(b);
			break;
		}
		if (s)
			v = json_string(s);
		if (v)
			json_object_set_new(row, f->name, v);
	}
}

/* Binds a JSON value for store_query_array. */
static char bind_value(json_t *v, int64_t *i, double *d, const void **value)
{
	if (json_is_integer(v) || json_is_boolean(v)) {
		*i = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
		*value = i;
		return 'i';
	}
	if (json_is_real(v)) {
		*d = json_real_value(v);
		*value = d;
		return 'd';
	}
	*value = json_string_value(v);	/* NULL (SQL NULL) for null */
	return 't';
}

static int run(struct ctx *cx, const char *sql, const char *types, const void *const *values)
{
	struct store_rows *r = store_query_array(cx->db, sql, types, values);
	if (!r)
		return STORE_ERROR;
	while (store_next(r))
		;
	return store_finish(r);
}

/* INSERT of a new row: the owner, every key of row, and the time in `stamp` (created_at
 * of a row, updated_at of a one-record ledger). */
static int insert_row(struct ctx *cx, const struct ledger *l, int64_t owner_id, json_t *row,
		      const char *stamp, int64_t *id)
{
	const void *values[LEDGER_MAX_FIELDS + 2];
	int64_t ints[LEDGER_MAX_FIELDS + 2];
	double reals[LEDGER_MAX_FIELDS + 2];
	char types[LEDGER_MAX_FIELDS + 3], now[21];
	const char *cols = owner_column(l), *marks = "?", *key;
	json_t *v;
	int n = 0;
	ints[n] = owner_id;
	values[n] = &ints[n];
	types[n++] = 'i';
	json_object_foreach(row, key, v) {
		if (n == LEDGER_MAX_FIELDS)
			return STORE_ERROR;
		cols = arena_printf(cx->arena, "%s, %s", cols, key);
		marks = arena_printf(cx->arena, "%s, ?", marks);
		types[n] = bind_value(v, &ints[n], &reals[n], &values[n]);
		n++;
	}
	audit_now(now);
	values[n] = now;
	types[n++] = 't';
	types[n] = 0;
	int rc = run(cx, arena_printf(cx->arena, "INSERT INTO %s(%s, %s) VALUES (%s, ?)",
				      l->table, cols, stamp, marks), types, values);
	*id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	return rc;
}

/* The keys a body may hold: the descriptor's fields. */
static void field_names(const struct ledger *l, const char *allowed[LEDGER_MAX_FIELDS + 1])
{
	int n = 0;
	for (const struct ledger_field *f = l->fields; f->name && n < LEDGER_MAX_FIELDS; f++)
		allowed[n++] = f->name;
	allowed[n] = NULL;
}

/* The row a body makes once its fields and the check have passed (into cx->errs); the
 * fields kept only for the check are dropped. */
static json_t *checked_row(struct ctx *cx, const struct ledger *l, json_t *owner, json_t *body,
			   json_t *before)
{
	json_t *row = json_object();
	check_fields(cx, l, body, row, false);
	if (l->check)
		l->check(cx, owner, row, before);
	for (const struct ledger_field *f = l->fields; f->name; f++)
		if (f->body_only)
			json_object_del(row, f->name);
	return row;
}

/* The append once the transaction is open and the owner found: validates into cx->errs
 * (OUT_INVALID) or writes the row and its audit row (with `detail`); *rc the store's
 * answer, *out the row as stored. */
static enum outcome append_rows(struct ctx *cx, const struct ledger *l, int64_t owner_id,
				json_t *owner, json_t *body, const char *detail, int *rcp,
				json_t **out)
{
	enum outcome res = OUT_OK;
	json_t *row = checked_row(cx, l, owner, body, NULL);
	int rc = STORE_OK;
	int64_t id = 0;
	if (cx->errs->n)
		res = OUT_INVALID;
	else if (cx->check_only)
		goto done;
	else if (l->also_write)
		rc = l->also_write(cx, owner, row);
	if (res == OUT_OK && rc == STORE_OK)
		rc = insert_row(cx, l, owner_id, row, "created_at", &id);
	if (res == OUT_OK && rc == STORE_OK) {
		*out = read_row(cx, l, id);
		rc = !*out ? STORE_ERROR : household_guard_touch(cx, household_of(owner));
		if (rc == STORE_OK)
			rc = audit_write_detail(cx, "create", l->entity, id, NULL, *out, detail);
	}
done:
	json_decref(row);
	*rcp = rc;
	return res;
}

enum outcome ledger_append(struct ctx *cx, const struct ledger *l, int64_t owner_id,
			   json_t *body, json_t **out)
{
	const char *allowed[LEDGER_MAX_FIELDS + 1];
	json_t *owner = NULL;
	*out = NULL;
	field_names(l, allowed);
	enum outcome res = l->owner == LEDGER_OF_PERSON
		? ledger_begin_person(cx, owner_id, body, allowed, &owner)
		: begin_household_by(cx, owner_id, body, allowed, l->may);
	if (res != OUT_OK)
		return res;
	if (!owner)
		owner = json_pack("{s:I}", "household_id", (json_int_t)owner_id);
	int rc = STORE_OK;
	res = append_rows(cx, l, owner_id, owner, body, NULL, &rc, out);
	json_decref(owner);
	return tx_end_out(cx->db, res, rc, out);
}

enum outcome ledger_append_in_tx(struct ctx *cx, const struct ledger *l, int64_t person_id,
				 json_t *body, const char *detail)
{
	json_t *owner = NULL, *out = NULL;
	if (l->owner != LEDGER_OF_PERSON || l->shape != LEDGER_ROWS)
		return OUT_INTERNAL;
	enum outcome res = ledger_person(cx, person_id, true, &owner);
	if (res != OUT_OK)
		return res;
	int rc = STORE_OK;
	res = append_rows(cx, l, person_id, owner, body, detail, &rc, &out);
	json_decref(owner);
	json_decref(out);
	if (res == OUT_OK && rc != STORE_OK)
		res = rc == STORE_CONSTRAINT ? OUT_CONFLICT : OUT_INTERNAL;
	return res;
}

/* tx_record for a ROWS ledger's row: found when the actor may see its owner. */
static json_t *load_visible(struct ctx *cx, const void *arg, int64_t id)
{
	const struct ledger *l = arg;
	json_t *row = read_row(cx, l, id), *owner = NULL;
	if (row && owner_check(cx, l->owner, json_integer_value(json_object_get(row,
			owner_column(l))), false, &owner) != OUT_OK) {
		json_decref(row);
		row = NULL;
	}
	json_decref(owner);
	return row;
}

static enum outcome row_writable(struct ctx *cx, json_t *row)
{
	json_t *owner = NULL;
	json_t *person = json_object_get(row, "person_id");
	enum outcome res = person ? owner_check(cx, LEDGER_OF_PERSON, json_integer_value(person),
						true, &owner)
		: owner_check(cx, LEDGER_OF_HOUSEHOLD,
			      json_integer_value(json_object_get(row, "household_id")), true, &owner);
	json_decref(owner);
	return res;
}

enum outcome ledger_row(struct ctx *cx, const struct ledger *l, int64_t row_id, json_t **out)
{
	*out = l->shape == LEDGER_ROWS ? load_visible(cx, l, row_id) : NULL;
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

/* tx_record of a set or one-record ledger: the record is what get answers, changed by who
 * may change the owner (whose JSON the check of a one-record ledger reads). */
struct whole_arg {
	const struct ledger *l;
	int64_t owner_id;
	json_t **owner;
};

static json_t *whole_load(struct ctx *cx, const void *arg, int64_t owner_id)
{
	const struct whole_arg *w = arg;
	json_t *out = NULL;
	if (ledger_list(cx, w->l, owner_id, &out) == OUT_OK)
		return out;
	json_decref(out);
	return NULL;
}

static enum outcome whole_writable(struct ctx *cx, const void *arg, json_t *whole)
{
	const struct whole_arg *w = arg;
	(void)whole;
	return owner_check(cx, w->l->owner, w->owner_id, true, w->owner);
}

/* The write of a one-record ledger: its fields and check, then the record replaced. */
static int replace_one(struct ctx *cx, const struct ledger *l, json_t *owner, int64_t owner_id,
		       json_t *body, json_t *before)
{
	const char *allowed[LEDGER_MAX_FIELDS + 1];
	int64_t id = 0;
	field_names(l, allowed);
	jx_only(body, allowed, "", cx->errs);
	json_t *row = checked_row(cx, l, owner, body, json_array_get(json_object_get(before,
						"items"), 0));
	int rc = STORE_OK;
	if (!cx->errs->n)
		rc = store_exec(cx->db, arena_printf(cx->arena, "DELETE FROM %s WHERE %s = ?",
						     l->table, owner_column(l)), "i", owner_id);
	if (!cx->errs->n && rc == STORE_OK)
		rc = insert_row(cx, l, owner_id, row, "updated_at", &id);
	json_decref(row);
	return rc;
}

enum outcome ledger_replace(struct ctx *cx, const struct ledger *l, int64_t owner_id,
			    const char *if_match, json_t *body, json_t **out)
{
	json_t *owner = NULL, *before;
	const struct whole_arg arg = {l, owner_id, &owner};
	const struct tx_record kind = {.load_from = whole_load, .writable_from = whole_writable,
				       .arg = &arg, .etag = ledger_whole_etag};
	*out = NULL;
	if (l->shape == LEDGER_ROWS)
		return OUT_NOT_FOUND;
	enum outcome res = tx_begin_change(cx, &kind, owner_id, if_match, body, &before);
	if (res != OUT_OK) {
		json_decref(owner);
		return res;
	}
	int rc = l->shape == LEDGER_SET ? l->replace(cx, owner_id, body, before)
		: replace_one(cx, l, owner, owner_id, body, before);
	if (cx->errs->n)
		res = OUT_INVALID;
	else if (rc == STORE_OK && ledger_list(cx, l, owner_id, out) != OUT_OK)
		rc = STORE_ERROR;
	if (res == OUT_OK && rc == STORE_OK)
		rc = ledger_recorded(cx, household_of(owner), "update", l->entity, owner_id, before,
				     *out);
	json_decref(before);
	json_decref(owner);
	return tx_end_out(cx->db, res, rc, out);
}

enum outcome ledger_update(struct ctx *cx, const struct ledger *l, int64_t row_id,
			   const char *if_match, json_t *body, json_t **out)
{
	const struct tx_record kind = {.load_from = load_visible, .arg = l,
				       .etag = ledger_row_etag, .writable = row_writable};
	json_t *before, *owner = NULL;
	*out = NULL;
	if (l->shape != LEDGER_ROWS || !l->changeable)
		return OUT_NOT_FOUND;
	enum outcome res = tx_begin_change(cx, &kind, row_id, if_match, body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, l->changeable, "", cx->errs);
	json_t *row = json_deep_copy(before);
	check_fields(cx, l, body, row, true);
	int64_t owner_id = json_integer_value(json_object_get(row, owner_column(l)));
	owner_check(cx, l->owner, owner_id, false, &owner);
	if (l->check)
		l->check(cx, owner, row, before);
	int rc = STORE_OK;
	if (cx->errs->n) {
		res = OUT_INVALID;
	} else {
		/* the partial-update style of tx.h: a column changes only when the body names it */
		const void *values[2 * LEDGER_MAX_FIELDS + 1];
		int64_t ints[2 * LEDGER_MAX_FIELDS + 1];
		double reals[2 * LEDGER_MAX_FIELDS + 1];
		char types[2 * LEDGER_MAX_FIELDS + 2];
		const char *sets = NULL;
		int n = 0;
		for (int k = 0; l->changeable[k] && n < 2 * LEDGER_MAX_FIELDS; k++) {
			const char *col = l->changeable[k];
			sets = arena_printf(cx->arena, "%s%s%s = CASE WHEN ? THEN ? ELSE %s END",
					    sets ? sets : "", sets ? ", " : "", col, col);
			ints[n] = tx_given(body, col);
			values[n] = &ints[n];
			types[n++] = 'i';
			types[n] = bind_value(json_object_get(row, col), &ints[n], &reals[n], &values[n]);
			n++;
		}
		ints[n] = row_id;
		values[n] = &ints[n];
		types[n++] = 'i';
		types[n] = 0;
		rc = run(cx, arena_printf(cx->arena, "UPDATE %s SET %s WHERE id = ?", l->table, sets),
			 types, values);
		if (rc == STORE_OK)
			rc = (*out = read_row(cx, l, row_id)) ? ledger_recorded(cx,
				household_of(owner) ? household_of(owner) : owner_id, "update",
				l->entity, row_id, before, *out) : STORE_ERROR;
	}
	json_decref(row);
	json_decref(owner);
	json_decref(before);
	return tx_end_out(cx->db, res, rc, out);
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
			row = read_row(cx, l, id);
			owner_id = json_integer_value(json_object_get(row, owner_column(l)));
			json_decref(row);
		}
		int64_t hh = owner_id && owner_check(cx, l->owner, owner_id, false, &owner) == OUT_OK
			? household_of(owner) : 0;
		json_decref(owner);
		return hh;
	}
	return 0;
}
