/* trainings: the trainings of each person — the descriptor and its check. */
#include "domain/trainings.h"

#include "domain/audit.h"
#include "domain/ledger.h"

const char *const trainings_types[] = {"orientation", "skills", "entrepreneurship", NULL};

static const struct ledger_field fields[] = {
	{"type", 's', true, .options = trainings_types, .label_key = "field_training_type",
	 .option_prefix = "training"},
	{"course", 't', true, .max = 100, .label_key = "field_course"},
	{"hours", 'r', true, .min = 0.5, .max = 24.0 * 366, .label_key = "field_hours"},
	{"start_date", 'd', true, .when = DATE_PLANNED, .label_key = "field_start_date"},
	{"end_date", 'd', false, .when = DATE_PLANNED, .label_key = "field_end_date"},
	{"certificate", 't', false, .max = 100, .label_key = "field_certificate"},
	{.name = NULL},
};

/* A training of one day may leave out its end; no day has more than 24 hours. */
static void check(struct ctx *cx, json_t *owner, json_t *row, json_t *before)
{
	const char *start = json_string_value(json_object_get(row, "start_date"));
	const char *end = json_string_value(json_object_get(row, "end_date"));
	if (start && !end)
		json_object_set_new(row, "end_date", json_string(end = start));
	long days = start && end ? ledger_day(end) - ledger_day(start) + 1 : 0;
	json_t *hours = json_object_get(row, "hours");
	if (date_rule_check_order_text(cx->errs, "end_date", end, start) && hours && days >= 1 &&
	    json_real_value(hours) > 24.0 * (double)days)
		verrors_add(cx->errs, "hours", "hours_exceed_days");
}

const struct ledger trainings_ledger = {
	.name = "trainings", .entity = "training", .owner = LEDGER_OF_PERSON, .shape = LEDGER_ROWS,
	.table = "trainings", .fields = fields, .order = "start_date DESC, id DESC",
	.check = check,
};

enum outcome trainings_list(struct ctx *cx, int64_t person_id, json_t **out)
{
	return ledger_list(cx, &trainings_ledger, person_id, out);
}

enum outcome trainings_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	return ledger_append(cx, &trainings_ledger, person_id, body, out);
}

int trainings_insert(struct ctx *cx, int64_t person_id, const char *type, const char *course,
		     double hours, const char *start, const char *end, const char *certificate)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO trainings(person_id, type, course, hours, start_date,"
		" end_date, certificate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ittdtttt",
		person_id, type, course, hours, start, end, certificate, now);
}
