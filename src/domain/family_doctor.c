/* family_doctor: each person's family-doctor sign-up — the descriptor, its check and its
 * read. */
#include "domain/family_doctor.h"

#include "domain/ledger.h"

static const struct ledger_field fields[] = {
	{"signed", 'b', true, .label_key = "field_doctor_signed"},
	{"date", 'd', false, .when = DATE_PAST, .label_key = "field_date"},
	{"doctor", 't', false, .max = 50, .person_name = true, .label_key = "field_doctor"},
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

const struct ledger family_doctor_ledger = {
	.name = "family-doctor", .entity = "family_doctor", .owner = LEDGER_OF_PERSON,
	.shape = LEDGER_ONE, .table = "family_doctors", .fields = fields, .check = check,
	.absent = "{\"signed\": false}",
};

enum outcome family_doctor_get(struct ctx *cx, int64_t person_id, json_t **out)
{
	return ledger_list(cx, &family_doctor_ledger, person_id, out);
}
