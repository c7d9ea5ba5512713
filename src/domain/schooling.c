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

const struct ledger schooling_ledger = {
	.name = "schooling", .entity = "schooling", .owner = LEDGER_OF_PERSON, .shape = LEDGER_ONE,
	.table = "schooling", .fields = fields, .check = check, .absent = "{\"status\": \"none\"}",
};

enum outcome schooling_get(struct ctx *cx, int64_t person_id, json_t **out)
{
	return ledger_list(cx, &schooling_ledger, person_id, out);
}
