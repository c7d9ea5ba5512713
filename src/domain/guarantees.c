/* guarantees: the three guarantees of each person — the descriptor and its check. */
#include "domain/guarantees.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"

const char *const guarantees_kinds[] = {"minimum_living", "medical_insurance", "pension_insurance",
					NULL};
const char *const guarantees_statuses[] = {"enrolled", "not_enrolled", "stopped", NULL};

static const struct ledger_field fields[] = {
	{"kind", 's', true, .options = guarantees_kinds, .label_key = "field_guarantee_kind",
	 .option_prefix = "guarantee"},
	{"status", 's', true, .options = guarantees_statuses, .label_key = "field_status",
	 .option_prefix = "gstatus"},
	{"start_date", 'd', true, .when = DATE_PLANNED, .label_key = "field_start_date"},
	{"end_date", 'd', false, .when = DATE_PLANNED, .label_key = "field_end_date"},
	{"note", 't', false, .max = 200, .label_key = "field_note"},
	/* a form filled in for a household says which one: it must be the person's */
	{"household_id", 'i', false, .min = 1, .body_only = true},
	{.name = NULL},
};

/* The open record of the kind: its id and start, when there is one. */
static int64_t open_record(struct ctx *cx, int64_t person_id, const char *kind, char start[11])
{
	int64_t id = 0;
	struct store_rows *r = store_query(cx->db, "SELECT id, start_date FROM guarantees"
		" WHERE person_id = ? AND kind = ? AND end_date IS NULL ORDER BY start_date DESC"
		" LIMIT 1", "it", person_id, kind);
	if (store_next(r)) {
		id = store_int(r, 0);
		snprintf(start, 11, "%s", store_text(r, 1));
	}
	store_finish(r);	/* a failed read fails the transaction (tx_end) */
	return id;
}

static void check(struct ctx *cx, json_t *owner, json_t *row, json_t *before)
{
	const char *kind = json_string_value(json_object_get(row, "kind"));
	const char *start = json_string_value(json_object_get(row, "start_date"));
	const char *end = json_string_value(json_object_get(row, "end_date"));
	json_t *household = json_object_get(row, "household_id");
	char open_start[11] = "";
	if (household && json_integer_value(household) !=
	    json_integer_value(json_object_get(owner, "household_id")))
		verrors_add(cx->errs, "household_id", "person_not_in_household");
	/* the date order: an end not before its start, a start not before the person's birth
	 * and after the start of the open record of its kind (which it ends) */
	date_rule_check_order_text(cx->errs, "end_date", end, start);
	date_rule_check_order_text(cx->errs, "start_date", start,
				   json_string_value(json_object_get(owner, "birth_date")));
	if (kind && start && !cx->errs->n &&
	    open_record(cx, json_integer_value(json_object_get(owner, "id")), kind, open_start))
		date_rule_check_order(cx->errs, "start_date", date_rule_day(start),
				      date_rule_day(open_start) + 1);	/* after it: a day later */
}

/* The open record of the kind ends the day before the new one starts. */
static int end_open_record(struct ctx *cx, json_t *owner, json_t *row)
{
	char day_before[11], ignored[11];
	const char *start = json_string_value(json_object_get(row, "start_date"));
	int64_t open_id = open_record(cx, json_integer_value(json_object_get(owner, "id")),
		json_string_value(json_object_get(row, "kind")), ignored);
	date_format(ledger_day(start) - 1, day_before);
	return open_id ? store_exec(cx->db, "UPDATE guarantees SET end_date = ? WHERE id = ?",
				    "ti", day_before, open_id) : STORE_OK;
}

/* A record is current on the days from its start to its end. */
static void on_read(struct ctx *cx, json_t *row)
{
	long start = ledger_day(json_string_value(json_object_get(row, "start_date")));
	long end = ledger_day(json_string_value(json_object_get(row, "end_date")));
	json_object_set_new(row, "current", json_boolean(start <= cx->today &&
		(end < 0 || end >= cx->today)));
}

/* The current status of each kind, for those who only want that. */
static void on_list(struct ctx *cx, json_t *out)
{
	json_t *current = json_object(), *g;
	size_t i;
	for (int k = 0; guarantees_kinds[k]; k++)
		json_object_set_new(current, guarantees_kinds[k], json_string("none"));
	json_array_foreach(json_object_get(out, "items"), i, g)
		if (json_is_true(json_object_get(g, "current")))
			json_object_set(current, json_string_value(json_object_get(g, "kind")),
					json_object_get(g, "status"));
	json_object_set_new(out, "current", current);
}

const struct ledger guarantees_ledger = {
	.name = "guarantees", .entity = "guarantee", .owner = LEDGER_OF_PERSON,
	.shape = LEDGER_ROWS, .table = "guarantees", .fields = fields,
	.order = "kind, start_date DESC, id DESC", .check = check, .also_write = end_open_record,
	.on_read = on_read, .on_list = on_list,
};

enum outcome guarantees_list(struct ctx *cx, int64_t person_id, json_t **out)
{
	return ledger_list(cx, &guarantees_ledger, person_id, out);
}

int guarantees_insert(struct ctx *cx, int64_t person_id, const char *kind, const char *status,
		      const char *start, const char *end)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO guarantees(person_id, kind, status, start_date,"
		" end_date, created_at) VALUES (?, ?, ?, ?, ?, ?)", "itttt" "t", person_id, kind,
		status, start, end, now);
}

enum outcome guarantees_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	return ledger_append(cx, &guarantees_ledger, person_id, body, out);
}
