/* family_doctor: each person's family-doctor sign-up — the descriptor, its check and its
 * read. */
#include "domain/family_doctor.h"

#include "domain/ledger.h"

static const struct ledger_field fields[] = {
	{"signed", 'b', true, .label_key = "field_doctor_signed"},
	{"date", 'd', false, .when = LEDGER_PAST, .label_key = "field_date"},
	{"doctor", 't', false, .max = 50, .label_key = "field_doctor"},
	{.name = NULL},
};

/* A sign-up has its day. */
static void check(struct ctx *cx, json_t *person, json_t *row, json_t *before)
{
	(void)person;
	(void)before;
	if (json_is_true(json_object_get(row, "signed")) && !json_object_get(row, "date") &&
	    !verrors_has(cx->errs, "date"))
		verrors_add(cx->errs, "date", "required");
}

static json_t *doctor_row(struct ctx *cx, int64_t person_id)
{
	json_t *rows = ledger_rows(cx, "person_id signed date doctor updated_at", "ibttt",
		"SELECT person_id, signed, date, doctor, updated_at FROM family_doctors"
		" WHERE person_id = ?", "i", person_id);
	if (!rows)
		return NULL;
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row ? row : json_pack("{s:I, s:b}", "person_id", (json_int_t)person_id, "signed", 0);
}

enum outcome family_doctor_get(struct ctx *cx, int64_t person_id, json_t **out)
{
	enum outcome res = ledger_person_visible(cx, person_id);
	json_t *row = res == OUT_OK ? doctor_row(cx, person_id) : NULL;
	*out = row ? json_pack("{s:[o]}", "items", row) : NULL;
	return res == OUT_OK && !row ? OUT_INTERNAL : res;
}

const struct ledger family_doctor_ledger = {
	.name = "family-doctor", .entity = "family_doctor", .owner = LEDGER_OF_PERSON,
	.shape = LEDGER_ONE, .table = "family_doctors", .fields = fields, .check = check,
	.get = family_doctor_get,
};
