/* schooling: the schooling of each school-age child — the descriptor, its check and its
 * read. */
#include "domain/schooling.h"

#include <string.h>

#include "core/jsonx.h"
#include "domain/ledger.h"

/* Schooling is kept for children: someone 18 or older is not a child of the household. */
#define CHILD_AGE_LIMIT 18

static const char *const statuses[] = {"enrolled", "not_enrolled", NULL};

static const struct ledger_field fields[] = {
	{"status", 's', true, .options = statuses, .label_key = "field_status",
	 .option_prefix = "school"},
	{"school", 't', false, .max = 100, .label_key = "field_school"},
	{"grade", 't', false, .max = 20, .label_key = "field_grade"},
	{"reason", 't', false, .max = 200, .label_key = "field_reason"},
	{.name = NULL},
};

/* An enrolled child's school, a child out of school's reason; children only. */
static void check(struct ctx *cx, json_t *person, json_t *row, json_t *before)
{
	(void)before;
	const char *status = json_string_value(json_object_get(row, "status"));
	if (status && strcmp(status, "enrolled") == 0 && !json_object_get(row, "school"))
		verrors_add(cx->errs, "school", "required");
	if (status && strcmp(status, "not_enrolled") == 0 && !json_object_get(row, "reason"))
		verrors_add(cx->errs, "reason", "required");
	int age = ledger_age(json_string_value(json_object_get(person, "birth_date")), cx->today);
	if (age >= CHILD_AGE_LIMIT)
		verrors_add(cx->errs, "person_id", "not_a_child");
}

static json_t *schooling_row(struct ctx *cx, int64_t person_id)
{
	json_t *rows = ledger_rows(cx, "person_id status school grade reason updated_at", "itttt" "t",
		"SELECT person_id, status, school, grade, reason, updated_at FROM schooling"
		" WHERE person_id = ?", "i", person_id);
	if (!rows)
		return NULL;
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row ? row : json_pack("{s:I, s:s}", "person_id", (json_int_t)person_id, "status", "none");
}

enum outcome schooling_get(struct ctx *cx, int64_t person_id, json_t **out)
{
	enum outcome res = ledger_person_visible(cx, person_id);
	json_t *row = res == OUT_OK ? schooling_row(cx, person_id) : NULL;
	*out = row ? json_pack("{s:[o]}", "items", row) : NULL;
	return res == OUT_OK && !row ? OUT_INTERNAL : res;
}

const struct ledger schooling_ledger = {
	.name = "schooling", .entity = "schooling", .owner = LEDGER_OF_PERSON, .shape = LEDGER_ONE,
	.table = "schooling", .fields = fields, .check = check, .get = schooling_get,
};
