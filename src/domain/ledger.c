/* ledger: a ledger written from its descriptor — append, change, replace — with the one
 * skeleton every write shares: open and check the owner, check the fields, write, read
 * back, record (ledger.h). Reading is ledger_read.c's. */
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

/* ---------------------------------------------------------------- from the descriptor */


const char *ledger_date(struct ctx *cx, json_t *body, const char *key, const char *prefix,
			bool required, enum date_when when)
{
	const char *d = jx_date(body, key, prefix, required, cx->errs);
	return d && date_rule_check_when(cx->errs, prefix, key, ledger_day(d), cx->today, when)
		? d : NULL;
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
		case 't': s = (f->person_name ? jx_name : jx_string)(body, f->name, "", required,
				(size_t)f->max, cx->errs); break;
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
	/* the owner, at most LEDGER_MAX_FIELDS columns of the row, and the time */
	const void *values[LEDGER_MAX_FIELDS + 2];
	int64_t ints[LEDGER_MAX_FIELDS + 2];
	double reals[LEDGER_MAX_FIELDS + 2];
	char types[LEDGER_MAX_FIELDS + 3], now[21];
	const char *cols = ledger_owner_column(l), *marks = "?", *key;
	json_t *v;
	int n = 0;
	ledger_field_count(l);
	CHECK(json_object_size(row) <= LEDGER_MAX_FIELDS);	/* a check hook added too many */
	ints[n] = owner_id;
	values[n] = &ints[n];
	types[n++] = 'i';
	json_object_foreach(row, key, v) {
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
	ledger_field_count(l);
	for (const struct ledger_field *f = l->fields; f->name; f++)
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
		*out = ledger_read_row(cx, l, id);
		rc = !*out ? STORE_ERROR : household_guard_touch(cx, ledger_owner_household(owner));
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

static enum outcome row_writable(struct ctx *cx, json_t *row)
{
	json_t *owner = NULL;
	json_t *person = json_object_get(row, "person_id");
	enum outcome res = person ? ledger_owner_check(cx, LEDGER_OF_PERSON, json_integer_value(person),
						true, &owner)
		: ledger_owner_check(cx, LEDGER_OF_HOUSEHOLD,
			      json_integer_value(json_object_get(row, "household_id")), true, &owner);
	json_decref(owner);
	return res;
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
	return ledger_owner_check(cx, w->l->owner, w->owner_id, true, w->owner);
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
						     l->table, ledger_owner_column(l)), "i", owner_id);
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
		rc = ledger_recorded(cx, ledger_owner_household(owner), "update", l->entity, owner_id, before,
				     *out);
	res = tx_end_change(cx, res, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	json_decref(owner);
	return res;
}

enum outcome ledger_update(struct ctx *cx, const struct ledger *l, int64_t row_id,
			   const char *if_match, json_t *body, json_t **out)
{
	const struct tx_record kind = {.load_from = ledger_load_visible, .arg = l,
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
	int64_t owner_id = json_integer_value(json_object_get(row, ledger_owner_column(l)));
	ledger_owner_check(cx, l->owner, owner_id, false, &owner);
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
		ledger_field_count(l);	/* at most LEDGER_MAX_FIELDS changeable */
		for (int k = 0; l->changeable[k]; k++) {
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
			rc = (*out = ledger_read_row(cx, l, row_id)) ? ledger_recorded(cx,
				ledger_owner_household(owner) ? ledger_owner_household(owner) : owner_id, "update",
				l->entity, row_id, before, *out) : STORE_ERROR;
	}
	json_decref(row);
	json_decref(owner);
	res = tx_end_change(cx, res, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return res;
}
