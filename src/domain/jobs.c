/* jobs: the jobs of each person — the descriptor and its check. */
#include "domain/jobs.h"

#include <string.h>

#include "domain/audit.h"
#include "domain/ledger.h"

const char *const jobs_types[] = {"county", "province", "outside_province", "public_welfare",
				  "workshop", "self_employed", "flexible", "home", NULL};

static const struct ledger_field fields[] = {
	{"type", 's', true, .options = jobs_types, .label_key = "field_job_type",
	 .option_prefix = "job"},
	{"employer", 't', false, .max = 100, .label_key = "field_employer"},
	{"employer_id", 'i', false, .min = 1},	/* from the register (not on the form) */
	{"business_id", 'i', false, .min = 1, .label_key = "field_business_id"},
	{"start_date", 'd', true, .when = DATE_PLANNED, .label_key = "field_start_date"},
	{"end_date", 'd', false, .when = DATE_PLANNED, .label_key = "field_end_date"},
	{"monthly_income", 'i', false, .max = JOBS_MAX_MONTHLY_INCOME,
	 .label_key = "field_monthly_income"},
	{"main", 'b', false, .label_key = "field_main_job", .initial = "true"},
	{.name = NULL},
};

static const char *const changeable[] = {"end_date", "monthly_income", "main", "business_id",
	NULL};

static const struct ledger_read reads[] = {
	{"employer_kind", 't', "(SELECT kind FROM employers e WHERE e.id = jobs.employer_id)"},
	{"business_name", 't', "(SELECT name FROM businesses b WHERE b.id = jobs.business_id)"},
	{.name = NULL},
};

/* True when another main job of the person overlaps [start, end] (end NULL: open). */
static bool main_overlaps(struct ctx *cx, int64_t person_id, int64_t except, const char *start,
			  const char *end)
{
	int rc;
	return store_one_int(cx->db, &rc, "SELECT count(*) FROM jobs WHERE person_id = ? AND"
		" main = 1 AND id <> ? AND (end_date IS NULL OR end_date >= ?) AND (? IS NULL OR"
		" start_date <= ?)", "iittt", person_id, except, start, end, end) > 0;
}

static bool has_error(struct ctx *cx, const char *field)
{
	for (int i = 0; i < cx->errs->n; i++)
		if (strcmp(cx->errs->items[i].field, field) == 0)
			return true;
	return false;
}

/* The employer named, from the register when it is there: an id gives the name, a name
 * finds the id. */
static void employer_of(struct ctx *cx, json_t *row)
{
	json_t *id = json_object_get(row, "employer_id");
	const char *name = json_string_value(json_object_get(row, "employer"));
	int rc;
	if (id) {
		struct store_rows *r = store_query(cx->db, "SELECT name FROM employers WHERE id = ?",
						   "i", (int64_t)json_integer_value(id));
		if (store_next(r))
			json_object_set_new(row, "employer", json_string(store_text(r, 0)));
		else
			verrors_add(cx->errs, "employer_id", "unknown_value");
		store_finish(r);
	} else if (name) {
		int64_t found = store_one_int(cx->db, &rc, "SELECT id FROM employers WHERE name = ?",
					      "t", name);
		if (found)
			json_object_set_new(row, "employer_id", json_integer(found));
	} else if (!has_error(cx, "employer_id")) {
		verrors_add(cx->errs, "employer", "required");
	}
}

/* The business a job points to: one within the actor's scope; a founder's own for
 * self-employment and home employment (居家就业 in one's own business), any for work in it.
 * Without an employer named, the business is the employer. */
static void business_of(struct ctx *cx, json_t *owner, json_t *row)
{
	json_t *id = json_object_get(row, "business_id");
	if (!json_is_integer(id))
		return;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	const char *type = json_string_value(json_object_get(row, "type"));
	struct store_rows *r = store_query(cx->db, "SELECT b.name, (SELECT count(*) FROM"
		" business_founders f WHERE f.business_id = b.id AND f.person_id = ?) FROM businesses b"
		" WHERE b.id = ? AND (? = '' OR (b.community_code >= ? AND b.community_code < ?))",
		"iittt", (int64_t)json_integer_value(json_object_get(owner, "id")),
		(int64_t)json_integer_value(id), lo, lo, hi);
	if (!store_next(r))
		verrors_add(cx->errs, "business_id", "unknown_value");
	else if (type && (strcmp(type, "self_employed") == 0 || strcmp(type, "home") == 0) &&
		 store_int(r, 1) == 0)
		verrors_add(cx->errs, "business_id", "business_not_founded");
	else if (!json_is_string(json_object_get(row, "employer")) &&
		 !json_object_get(row, "employer_id"))
		json_object_set_new(row, "employer", json_string(store_text(r, 0)));
	store_finish(r);
}

/* An end after the start; at most one main job at a time. */
static void check(struct ctx *cx, json_t *owner, json_t *row, json_t *before)
{
	business_of(cx, owner, row);
	if (!before)
		employer_of(cx, row);
	const char *start = json_string_value(json_object_get(row, "start_date"));
	const char *end = json_string_value(json_object_get(row, "end_date"));
	date_rule_check_order_text(cx->errs, "end_date", end, start);
	if (json_is_null(json_object_get(row, "main")))
		json_object_set_new(row, "main", json_false());	/* null: not the main job */
	int64_t person = json_integer_value(json_object_get(owner, "id"));
	if (json_is_true(json_object_get(row, "main")) && start && !cx->errs->n &&
	    main_overlaps(cx, person, json_integer_value(json_object_get(before, "id")), start, end))
		verrors_add(cx->errs, "main", "main_job_overlap");
}

/* A job is current on the days from its start to its end. */
static void on_read(struct ctx *cx, json_t *row)
{
	long start = ledger_day(json_string_value(json_object_get(row, "start_date")));
	long end = ledger_day(json_string_value(json_object_get(row, "end_date")));
	json_object_set_new(row, "current", json_boolean(start <= cx->today &&
		(end < 0 || end >= cx->today)));
}

const struct ledger jobs_ledger = {
	.name = "jobs", .entity = "job", .owner = LEDGER_OF_PERSON, .shape = LEDGER_ROWS,
	.table = "jobs", .fields = fields, .reads = reads, .order = "start_date DESC, id DESC",
	.changeable = changeable, .check = check, .on_read = on_read,
};

enum outcome jobs_list(struct ctx *cx, int64_t person_id, json_t **out)
{
	return ledger_list(cx, &jobs_ledger, person_id, out);
}

enum outcome jobs_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	return ledger_append(cx, &jobs_ledger, person_id, body, out);
}

enum outcome jobs_patch(struct ctx *cx, int64_t job_id, const char *if_match, json_t *body,
			json_t **out)
{
	return ledger_update(cx, &jobs_ledger, job_id, if_match, body, out);
}

int64_t jobs_person_id(struct ctx *cx, int64_t job_id)
{
	json_t *job = NULL;
	int64_t person = ledger_row(cx, &jobs_ledger, job_id, &job) == OUT_OK
		? json_integer_value(json_object_get(job, "person_id")) : 0;
	json_decref(job);
	return person;
}

int jobs_insert(struct ctx *cx, int64_t person_id, const char *type, int64_t employer_id,
		const char *employer, const char *start, const char *end, int64_t income, int main)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO jobs(person_id, type, employer_id, employer,"
		" start_date, end_date, monthly_income, main, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"itnttt" "nit", person_id, type, employer_id ? &employer_id : NULL, employer, start,
		end, income >= 0 ? &income : NULL, (int64_t)main, now);
}
