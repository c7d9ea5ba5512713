/* visits: a household's visits and return visits — the descriptor and its check. */
#include "domain/visits.h"

#include "domain/ledger.h"

const char *const visits_kinds[] = {"visit", "return_visit", NULL};

static const struct ledger_field fields[] = {
	{"date", 'd', true, .when = DATE_PAST, .label_key = "field_date"},
	{"kind", 's', false, .options = visits_kinds, .label_key = "field_visit_kind",
	 .option_prefix = "visit"},
	{"visitor", 't', true, .max = 50, .person_name = true, .label_key = "field_visitor"},
	{"found", 't', true, .max = 2000, .label_key = "field_found"},
	{.name = NULL},
};

/* A visit is a visit unless said otherwise; who recorded it is kept (never shown). */
static void check(struct ctx *cx, json_t *owner, json_t *row, json_t *before)
{
	if (!json_object_get(row, "kind"))
		json_object_set_new(row, "kind", json_string("visit"));
	json_object_set_new(row, "user_id", json_integer(cx->actor->user_id));
}

const struct ledger visits_ledger = {
	.name = "visits", .entity = "visit", .owner = LEDGER_OF_HOUSEHOLD, .shape = LEDGER_ROWS,
	.table = "visits", .fields = fields, .order = "date DESC, id DESC", .check = check,
	.may = role_can_visit,
};

enum outcome visits_list(struct ctx *cx, int64_t household_id, json_t **out)
{
	return ledger_list(cx, &visits_ledger, household_id, out);
}

enum outcome visits_create(struct ctx *cx, int64_t household_id, json_t *body, json_t **out)
{
	return ledger_append(cx, &visits_ledger, household_id, body, out);
}
