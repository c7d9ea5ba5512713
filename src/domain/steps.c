/* steps: a household's relocation steps and the people answerable for it — the
 * descriptor, its read and its replacing write; and the progress of the steps by origin
 * town. */
#include "domain/steps.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/division.h"
#include "domain/household.h"
#include "domain/ledger.h"

const char *const steps_names[] = {"registration", "hukou_transfer", "moving", "move_in",
				   "formalities", NULL};

static int step_index(const char *step)
{
	for (int i = 0; steps_names[i]; i++)
		if (strcmp(steps_names[i], step) == 0)
			return i;
	return -1;
}

enum outcome steps_get(struct ctx *cx, int64_t household_id, json_t **out)
{
	json_t *h = NULL;
	char today[11];
	*out = NULL;
	enum outcome res = ledger_household(cx, household_id, false, &h);
	json_decref(h);
	if (res != OUT_OK)
		return res;
	date_format(cx->today, today);
	json_t *support = ledger_rows(cx, "responsible_person responsible_phone village_command"
		" town_command", "tttt", "SELECT responsible_person, responsible_phone,"
		" village_command, town_command FROM relocation_support WHERE household_id = ?", "i",
		household_id);
	json_t *steps = ledger_rows(cx, "step due_date done_date done_by evidence_item_id overdue",
		"ttttib", "SELECT step, due_date, done_date, done_by, evidence_item_id,"
		" done_date IS NULL AND due_date < ? FROM relocation_steps WHERE household_id = ?",
		"ti", today, household_id);
	if (!support || !steps) {
		json_decref(support);
		json_decref(steps);
		return OUT_INTERNAL;
	}
	/* in the order of the process, every step present (not yet planned: nulls) */
	json_t *ordered = json_array(), *s;
	size_t i;
	for (int k = 0; steps_names[k]; k++) {
		json_t *found = NULL;
		json_array_foreach(steps, i, s)
			if (strcmp(json_string_value(json_object_get(s, "step")), steps_names[k]) == 0)
				found = s;
		json_array_append_new(ordered, found ? json_incref(found) : json_pack(
			"{s:s, s:n, s:n, s:n, s:n, s:b}", "step", steps_names[k], "due_date",
			"done_date", "done_by", "evidence_item_id", "overdue", 0));
	}
	json_decref(steps);
	json_t *sup = json_array_get(support, 0);
	*out = sup ? json_deep_copy(sup) : json_pack("{s:n, s:n, s:n, s:n}", "responsible_person",
		"responsible_phone", "village_command", "town_command");
	json_decref(support);
	json_object_set_new(*out, "household_id", json_integer(household_id));
	json_object_set_new(*out, "items", ordered);
	return OUT_OK;
}

/* Checks one step of a PUT; its done date comes after the previous step's. */
static void check_step(struct ctx *cx, int64_t household_id, json_t *s, const char *prefix,
		       const char **done_of)
{
	static const char *const allowed[] = {"step", "due_date", "done_date", "done_by",
		"evidence_item_id", "overdue", NULL};
	int rc;
	jx_only(s, allowed, prefix, cx->errs);
	const char *step = jx_enum(s, "step", prefix, true, steps_names, cx->errs);
	ledger_date(cx, s, "due_date", prefix, false, DATE_ANY);
	const char *done = ledger_date(cx, s, "done_date", prefix, false, DATE_PAST);
	const char *by = jx_string(s, "done_by", prefix, false, 50, cx->errs);
	int64_t item = 0;
	char field[64];
	if (json_is_string(json_object_get(s, "done_date")) && !by) {
		snprintf(field, sizeof(field), "%sdone_by", prefix);
		verrors_add(cx->errs, field, "required");
	}
	if (jx_int(s, "evidence_item_id", prefix, false, 1, INT64_MAX, &item, cx->errs) &&
	    store_one_int(cx->db, &rc, "SELECT count(*) FROM items WHERE id = ? AND household_id = ?"
			  " AND status = 'active'", "ii", item, household_id) == 0) {
		snprintf(field, sizeof(field), "%sevidence_item_id", prefix);
		verrors_add(cx->errs, field, "item_not_in_household");
	}
	int k = step ? step_index(step) : -1;
	if (k < 0)
		return;
	if (done_of[k]) {
		snprintf(field, sizeof(field), "%sstep", prefix);
		verrors_add(cx->errs, field, "duplicate_step");
	}
	done_of[k] = done ? done : "";
}

/* The replacing write (ledger_replace opens it): the whole body checked, then written. */
static int steps_replace(struct ctx *cx, int64_t household_id, json_t *body, json_t *before)
{
	static const char *const allowed[] = {"responsible_person", "responsible_phone",
		"village_command", "town_command", "items", "household_id", NULL};
	const char *done_of[8] = {0};
	jx_only(body, allowed, "", cx->errs);
	const char *person = jx_string(body, "responsible_person", "", false, 50, cx->errs);
	const char *phone = jx_string(body, "responsible_phone", "", false, 20, cx->errs);
	const char *village = jx_string(body, "village_command", "", false, 100, cx->errs);
	const char *town = jx_string(body, "town_command", "", false, 100, cx->errs);
	/* "items", as every ledger answers and a GET gives; the set replaced whole: an empty
	 * list clears it, none is refused (a PUT that forgot it would wipe it silently) */
	const char *key = "items";
	json_t *steps = json_object_get(body, key), *s;
	size_t i;
	(void)before;
	if (!json_is_array(steps))
		verrors_add(cx->errs, key, steps ? "type_array" : "required");
	else if (json_array_size(steps) > 5)
		verrors_add(cx->errs, key, "too_many_items");
	json_array_foreach(cx->errs->n ? NULL : steps, i, s) {
		char prefix[40];
		snprintf(prefix, sizeof(prefix), "%s[%zu].", key, i);
		if (!json_is_object(s)) {
			snprintf(prefix, sizeof(prefix), "%s[%zu]", key, i);
			verrors_add(cx->errs, prefix, "type_object");
			continue;
		}
		check_step(cx, household_id, s, prefix, done_of);
	}
	/* a step is done only after every step before it, and not earlier than they were */
	bool earlier_done = true;
	const char *last = NULL;
	for (int k = 0; steps_names[k] && !cx->errs->n; k++) {
		const char *d = done_of[k] && *done_of[k] ? done_of[k] : NULL;
		const char *field = arena_printf(cx->arena, "steps.%s", steps_names[k]);
		if (d && !earlier_done)
			verrors_add(cx->errs, field, "previous_step_not_done");
		else if (d && last)
			date_rule_check_order_text(cx->errs, field, d, last);
		if (d)
			last = d;
		else
			earlier_done = false;
	}
	if (cx->errs->n)
		return STORE_OK;
	/* A PUT replaces: a field left out is gone, as null clears it. */
	int rc = store_exec(cx->db, "INSERT INTO relocation_support(household_id, responsible_person,"
		" responsible_phone, village_command, town_command) VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT(household_id) DO UPDATE SET responsible_person = excluded.responsible_person,"
		" responsible_phone = excluded.responsible_phone, village_command ="
		" excluded.village_command, town_command = excluded.town_command", "ittt" "t",
		household_id, person, phone, village, town);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "DELETE FROM relocation_steps WHERE household_id = ?", "i",
				household_id);
	json_array_foreach(steps, i, s) {
		if (rc != STORE_OK)
			break;
		int64_t item = json_integer_value(json_object_get(s, "evidence_item_id"));
		rc = store_exec(cx->db, "INSERT INTO relocation_steps(household_id, step, due_date,"
			" done_date, done_by, evidence_item_id) VALUES (?, ?, ?, ?, ?, ?)", "itttt" "n",
			household_id, json_string_value(json_object_get(s, "step")),
			json_string_value(json_object_get(s, "due_date")),
			json_string_value(json_object_get(s, "done_date")),
			json_string_value(json_object_get(s, "done_by")), item ? &item : NULL);
	}
	return rc;
}

const struct ledger steps_ledger = {
	.name = "steps", .entity = "steps", .owner = LEDGER_OF_HOUSEHOLD, .shape = LEDGER_SET,
	.get = steps_get, .replace = steps_replace,
};

/* ---------------------------------------------------------------- progress */

enum outcome steps_progress(struct ctx *cx, json_t **out)
{
	char lo[16], hi[17], today[11];
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	json_t *rows = ledger_rows(cx, "code households with_responsible registration hukou_transfer"
		" moving move_in formalities overdue", "tiiiiiiii",
		"SELECT substr(h.origin_village, 1, 9), count(*), count(rs.responsible_person),"
		" sum(EXISTS (SELECT 1 FROM relocation_steps s WHERE s.household_id = h.id AND"
		"   s.step = 'registration' AND s.done_date IS NOT NULL)),"
		" sum(EXISTS (SELECT 1 FROM relocation_steps s WHERE s.household_id = h.id AND"
		"   s.step = 'hukou_transfer' AND s.done_date IS NOT NULL)),"
		" sum(EXISTS (SELECT 1 FROM relocation_steps s WHERE s.household_id = h.id AND"
		"   s.step = 'moving' AND s.done_date IS NOT NULL)),"
		" sum(EXISTS (SELECT 1 FROM relocation_steps s WHERE s.household_id = h.id AND"
		"   s.step = 'move_in' AND s.done_date IS NOT NULL)),"
		" sum(EXISTS (SELECT 1 FROM relocation_steps s WHERE s.household_id = h.id AND"
		"   s.step = 'formalities' AND s.done_date IS NOT NULL)),"
		" sum(EXISTS (SELECT 1 FROM relocation_steps s WHERE s.household_id = h.id AND"
		"   s.done_date IS NULL AND s.due_date < ?))"
		" FROM households h LEFT JOIN relocation_support rs ON rs.household_id = h.id"
		" WHERE h.status <> 'closed' AND " SCOPE_SQL " GROUP BY 1 ORDER BY 1",
		"t" SCOPE_TYPES, today, SCOPE_ARGS(lo, hi));
	if (!rows)
		return OUT_INTERNAL;
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		char name[128];
		division_name(cx->db, json_string_value(json_object_get(row, "code")), name, sizeof(name));
		json_object_set_new(row, "name", json_string(name));
	}
	*out = json_pack("{s:s, s:o}", "today", today, "by_town", rows);
	return OUT_OK;
}
