/* Unit tests for the follow-up rules: conditions parse, dates from settings, and the pass
 * and the rules agree on a small generated county. */
#include "tests/unit/cmocka_prelude.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/date.h"
#include "domain/report_employment.h"
#include "domain/followup_pass.h"
#include "domain/followup.h"
#include "domain/jobs.h"
#include "domain/plots.h"
#include "domain/visits.h"
#include "domain/ledger.h"
#include "domain/worklist.h"
#include "tests/unit/testdb.h"

static void conditions_parse(void **state)
{
	(void)state;
	struct fact_condition c;
	const char *bad = NULL;
	assert_true(followup_pass_condition_parse("relocated labor !worked_recently", false, &c, &bad));
	assert_int_equal(c.ngroups, 1);
	assert_int_equal(c.g[0].p_need, PF_COUNTED | PF_LABOR);
	assert_int_equal(c.g[0].p_not, PF_WORKED_RECENTLY);
	assert_int_equal(c.g[0].h_need, HF_RELOCATED);
	assert_true(followup_pass_condition_parse("relocated has_labor !has_employed", true, &c, &bad));
	assert_int_equal(c.g[0].h_need, HF_COUNTED | HF_RELOCATED | HF_HAS_LABOR);
	assert_int_equal(c.g[0].h_not, HF_HAS_EMPLOYED);
	assert_true(followup_pass_condition_parse("labor !skilled | labor !employed", false, &c, &bad));
	assert_int_equal(c.ngroups, 2);
	assert_int_equal(c.g[1].p_need, PF_COUNTED | PF_LABOR);
	assert_int_equal(c.g[1].p_not, PF_EMPLOYED);
	assert_false(followup_pass_condition_parse("labor | labor | labor | labor | labor", false, &c, &bad));
	assert_false(followup_pass_condition_parse("labor !happy", false, &c, &bad));
	assert_string_equal(bad, "happy");
	/* a household rule cannot test a person's facts */
	assert_false(followup_pass_condition_parse("relocated labor", true, &c, &bad));
	assert_string_equal(bad, "labor");
}

static void every_stored_rule_parses(void **state)
{
	struct testdb *t = *state;
	testdb_reset(t);
	int n = 0;
	struct store_rows *r = store_query(t->db, "SELECT key, level, condition FROM followup_rules", NULL);
	while (store_next(r)) {
		struct fact_condition c;
		const char *bad = "";
		if (!followup_pass_condition_parse(store_text(r, 2), strcmp(store_text(r, 1), "household") == 0,
					  &c, &bad))
			fail_msg("rule %s: unknown fact %s", store_text(r, 0), bad);
		n++;
	}
	assert_int_equal(store_finish(r), STORE_OK);
	assert_int_equal(n, 9);
}

static void dates_from_settings(void **state)
{
	(void)state;
	struct followup_settings s = {16, 60, 6, 15, 60, 12, 90, 0};
	struct followup_dates d;
	followup_dates_for(&s, date_days(2024, 2, 29), &d);
	assert_string_equal(d.today, "2024-02-29");
	/* aged 16..60 on that day: born after 1963-02-28 (61 years back, no 29th), by 2008-02-29 */
	assert_string_equal(d.labor_born_after, "1963-02-28");
	assert_string_equal(d.labor_born_by, "2008-02-29");
	assert_string_equal(d.school_born_after, "2008-02-29");
	assert_string_equal(d.school_born_by, "2018-02-28");
	assert_string_equal(d.idle_since, "2023-02-28");
	assert_string_equal(d.visited_since, "2023-12-01");
	followup_dates_for(&s, date_days(2026, 3, 31), &d);
	assert_string_equal(d.idle_since, "2025-03-31");
	s.idle_months = 1;
	followup_dates_for(&s, date_days(2026, 3, 31), &d);
	assert_string_equal(d.idle_since, "2026-02-28");	/* no 31 February */
}

/* The pass's counts, the report and the lists agree on the generated county. */
static void counts_report_and_lists_agree(void **state)
{
	struct testdb *t = *state;
	json_t *counts = NULL, *report = NULL;
	testdb_reset(t);
	assert_int_equal(worklist_counts(&t->cx, &counts), OUT_OK);
	assert_int_equal(report_employment(&t->cx, &report), OUT_OK);
	json_t *c = json_object_get(report, "county"), *it;
	size_t i;
	assert_true(json_integer_value(json_object_get(c, "persons")) > 0);
	json_array_foreach(json_object_get(counts, "items"), i, it) {
		const char *rule = json_string_value(json_object_get(it, "rule"));
		json_t *list = NULL;
		testdb_reset(t);
		assert_int_equal(worklist_entries(&t->cx, rule, NULL, 0, &list), OUT_OK);
		assert_int_equal(json_array_size(json_object_get(list, "items")),
				 json_integer_value(json_object_get(it, "count")));
		if (strcmp(rule, "zero_employment") == 0)
			assert_int_equal(json_integer_value(json_object_get(it, "count")),
					 json_integer_value(json_object_get(c, "zero_employment_households")));
		if (strcmp(rule, "no_medical_insurance") == 0)
			assert_int_equal(json_integer_value(json_object_get(it, "count")),
					 json_integer_value(json_object_get(c, "persons")) -
					 json_integer_value(json_object_get(c, "medical_insured")));
		json_decref(list);
	}
	json_decref(counts);
	json_decref(report);
}

/* Has the trail a change of this entity? */
static bool trail_has(json_t *trail, const char *entity)
{
	json_t *row;
	size_t i;
	json_array_foreach(trail, i, row)
		if (strcmp(json_string_value(json_object_get(row, "entity")), entity) == 0)
			return true;
	return false;
}

/* Every ledger's changes are in the household's change trail: a visit (a household's
 * row), a job (a member's row), the plots (a household's set), schooling (a member's
 * record). */
static void ledger_changes_show_in_the_trail(void **state)
{
	struct testdb *t = *state;
	json_t *out = NULL, *body;
	int rc;
	testdb_reset(t);
	int64_t hh = store_one_int(t->cx.db, &rc, "SELECT h.id FROM households h WHERE"
		" h.status <> 'closed' AND (SELECT count(*) FROM persons p WHERE p.household_id = h.id"
		" AND p.status = 'member') > 1 ORDER BY h.id LIMIT 1", NULL);
	int64_t member = store_one_int(t->cx.db, &rc, "SELECT id FROM persons WHERE household_id = ?"
		" AND status = 'member' ORDER BY id LIMIT 1", "i", hh);
	assert_true(hh > 0 && member > 0);
	json_t *trail = ledger_household_trail(&t->cx, hh, 500, false);
	assert_non_null(trail);
	assert_false(trail_has(trail, "visit"));
	json_decref(trail);

	body = json_pack("{s:s, s:s, s:s}", "date", "2024-05-01", "visitor", "网格员", "found", "正常");
	assert_int_equal(visits_create(&t->cx, hh, body, &out), OUT_OK);
	int64_t visit = json_integer_value(json_object_get(out, "id"));
	json_decref(body);
	json_decref(out);
	body = json_pack("{s:s, s:s, s:s}", "type", "county", "employer", "砖厂", "start_date",
			 "2024-01-01");
	assert_int_equal(jobs_create(&t->cx, member, body, &out), OUT_OK);
	json_decref(body);
	json_decref(out);
	body = json_pack("{s:[{s:s, s:f, s:s}]}", "items", "kind", "forest", "area_mu", 2.0, "use",
			 "idle");
	assert_int_equal(ledger_replace(&t->cx, &plots_ledger, hh, "*", body, &out), OUT_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(body);
	json_decref(out);

	trail = ledger_household_trail(&t->cx, hh, 500, true);
	assert_true(trail_has(trail, "visit"));
	/* one row shape for every list of the log: the newest is the plots' change, with its
	 * values and its id */
	json_t *top = json_array_get(trail, 0);
	assert_string_equal(json_string_value(json_object_get(top, "entity")), "plots");
	assert_true(json_integer_value(json_object_get(top, "id")) > 0);
	assert_non_null(json_object_get(top, "after"));
	assert_null(json_object_get(top, "records"));
	assert_true(trail_has(trail, "job"));
	assert_true(trail_has(trail, "plots"));
	json_decref(trail);
	/* and the audit row of a ledger names its household, for the audit API */
	assert_int_equal(ledger_audit_household(&t->cx, "visit", visit), hh);
	assert_int_equal(ledger_audit_household(&t->cx, "plots", hh), hh);
	assert_int_equal(ledger_audit_household(&t->cx, "household", hh), 0);
}

/* A set or one-record ledger is replaced under the ETag of its read, as a PATCH changes a
 * record: without If-Match 428, a stale one 412, and nothing written either way. */
static void replacing_a_ledger_needs_its_etag(void **state)
{
	struct testdb *t = *state;
	json_t *out = NULL, *cur = NULL, *body;
	char etag[48], stale[48];
	int rc;
	testdb_reset(t);
	int64_t hh = store_one_int(t->cx.db, &rc, "SELECT id FROM households WHERE status <> 'closed'"
				   " ORDER BY id LIMIT 1", NULL);
	assert_int_equal(plots_get(&t->cx, hh, &cur), OUT_OK);
	ledger_whole_etag(cur, stale);
	json_decref(cur);
	body = json_pack("{s:[{s:s, s:f, s:s}]}", "items", "kind", "forest", "area_mu", 7.25, "use",
			 "idle");
	assert_int_equal(ledger_replace(&t->cx, &plots_ledger, hh, NULL, body, &out),
			 OUT_PRECONDITION_REQUIRED);
	assert_null(out);
	assert_int_equal(ledger_replace(&t->cx, &plots_ledger, hh, "\"w-0\"", body, &out),
			 OUT_PRECONDITION_FAILED);
	assert_int_equal(store_one_int(t->cx.db, &rc, "SELECT count(*) FROM plots WHERE"
				       " household_id = ? AND kind = 'forest' AND area_mu = 7.25", "i", hh), 0);
	assert_int_equal(ledger_replace(&t->cx, &plots_ledger, hh, stale, body, &out), OUT_OK);
	ledger_whole_etag(out, etag);	/* the answer's ETag is the next GET's */
	json_decref(out);
	assert_int_equal(plots_get(&t->cx, hh, &cur), OUT_OK);
	ledger_whole_etag(cur, stale);
	json_decref(cur);
	assert_string_equal(etag, stale);
	json_decref(body);
	/* the ETag it had is stale now */
	body = json_pack("{s:[]}", "items");
	assert_int_equal(ledger_replace(&t->cx, &plots_ledger, hh, "\"w-0\"", body, &out),
			 OUT_PRECONDITION_FAILED);
	assert_int_equal(ledger_replace(&t->cx, &plots_ledger, hh, etag, body, &out), OUT_OK);
	json_decref(out);
	json_decref(body);
	assert_int_equal(store_one_int(t->cx.db, &rc, "SELECT count(*) FROM plots WHERE"
				       " household_id = ?", "i", hh), 0);
}


#define ASSERT_MESSAGE(key) do { \
	if (!testdb_in_both_catalogues(key)) \
		fail_msg("message %s is missing from a catalogue", (key)); \
} while (0)

/* What the field table does not default (docs/architecture.md, "Adding a ledger"): a text
 * field's longest length, a number's range, an option field's list and the words of its
 * options, every label; and the words the form and the change trail show. */
static void every_field_says_its_limits_and_words(void **state)
{
	char key[128];
	(void)state;
	for (int i = 0; ledgers[i]; i++) {
		const struct ledger *l = ledgers[i];
		snprintf(key, sizeof(key), "entity_%s", l->entity);
		ASSERT_MESSAGE(key);
		if (!l->fields)	/* a set: its form is its own (pages_ledgers.c) */
			continue;
		/* the heading of the form built from the descriptor */
		snprintf(key, sizeof(key), "%s_%s", l->shape == LEDGER_ROWS ? "add" : "edit", l->entity);
		ASSERT_MESSAGE(key);
		for (const struct ledger_field *f = l->fields; f->name; f++) {
			if (f->kind == 't' && !(f->max > 0))
				fail_msg("%s.%s: a text field without .max refuses every value", l->name, f->name);
			/* a whole number's max 0 is "no upper limit" (an id); a real needs both */
			if ((f->kind == 'r' || (f->kind == 'i' && f->max != 0)) && !(f->max > f->min))
				fail_msg("%s.%s: a number without a range", l->name, f->name);
			if (f->kind == 's' && !f->options)
				fail_msg("%s.%s: an option field without options", l->name, f->name);
			if (f->label_key)
				ASSERT_MESSAGE(f->label_key);
			if (f->kind == 's' && f->label_key) {
				if (!f->option_prefix)
					fail_msg("%s.%s: options without the prefix of their words", l->name, f->name);
				for (int k = 0; f->options[k]; k++) {
					snprintf(key, sizeof(key), "%s_%s", f->option_prefix, f->options[k]);
					ASSERT_MESSAGE(key);
				}
			}
		}
	}
}

/* The descriptors are whole: what the shared functions and the routes rely on. */
static void every_ledger_descriptor_is_whole(void **state)
{
	(void)state;
	int n = 0;
	for (int i = 0; ledgers[i]; i++, n++) {
		const struct ledger *l = ledgers[i];
		assert_non_null(l->name);
		assert_non_null(l->entity);
		assert_ptr_equal(ledger_find(l->name, l->owner), l);
		if (l->shape == LEDGER_ROWS) {
			assert_true(l->table && l->fields && l->fields[0].name && l->order);
			assert_true(!l->get && !l->replace);
		} else if (l->shape == LEDGER_SET) {	/* its own read and replacing write */
			assert_true(l->get && l->replace && !l->table && !l->changeable);
		} else {	/* one record: read and written from its fields */
			assert_true(!l->get && !l->replace && l->table && l->fields && !l->changeable);
			json_t *absent = json_loads(l->absent ? l->absent : "", 0, NULL);
			assert_non_null(absent);	/* the record before any is kept */
			json_decref(absent);
		}
		for (int j = 0; j < i; j++)	/* one audit entity, one trail clause, per ledger */
			assert_string_not_equal(ledgers[j]->entity, l->entity);
	}
	static const char *const known[] = {"visits", "plots", "steps", "jobs", "trainings",
		"guarantees", "schooling", "family-doctor", NULL};
	for (int k = 0; known[k]; k++)	/* every ledger of today, and room for more */
		assert_non_null(ledger_find(known[k], LEDGER_OF_HOUSEHOLD) ? ledger_find(known[k],
			LEDGER_OF_HOUSEHOLD) : ledger_find(known[k], LEDGER_OF_PERSON));
	assert_true(n >= 8);
	assert_null(ledger_find("visits", LEDGER_OF_PERSON));
	assert_null(ledger_find_rows("plots"));
}

/* A descriptor of n text fields f1..fn over a table with those columns. */
static struct ledger_field wide_fields[LEDGER_MAX_FIELDS + 2];
static char wide_names[LEDGER_MAX_FIELDS + 1][16];

static struct ledger wide_ledger(int n)
{
	for (int i = 0; i < n; i++) {
		snprintf(wide_names[i], sizeof(wide_names[i]), "f%d", i + 1);
		wide_fields[i] = (struct ledger_field){wide_names[i], 't', true, .max = 10};
	}
	wide_fields[n] = (struct ledger_field){.name = NULL};
	return (struct ledger){.name = "wide", .entity = "wide", .owner = LEDGER_OF_HOUSEHOLD,
		.shape = LEDGER_ROWS, .table = "wide", .fields = wide_fields, .order = "id"};
}

static void a_ledger_at_its_field_limit_works_and_one_over_stops(void **state)
{
	struct testdb *t = *state;
	int rc;
	testdb_reset(t);
	char sql[1024] = "CREATE TABLE wide (id INTEGER PRIMARY KEY, household_id INTEGER NOT NULL";
	for (int i = 1; i <= LEDGER_MAX_FIELDS + 1; i++)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), ", f%d TEXT", i);
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), ", created_at TEXT NOT NULL)");
	assert_int_equal(store_exec(t->cx.db, sql, NULL), STORE_OK);
	int64_t hh = store_one_int(t->cx.db, &rc, "SELECT id FROM households WHERE status <> 'closed'"
		" ORDER BY id LIMIT 1", NULL);
	/* exactly at the limit: every field written and read back (the owner column is no
	 * field: it used to count, and the 24th field was a 500) */
	struct ledger full = wide_ledger(LEDGER_MAX_FIELDS);
	assert_int_equal(ledger_field_count(&full), LEDGER_MAX_FIELDS);
	json_t *body = json_object(), *out = NULL;
	for (int i = 0; i < LEDGER_MAX_FIELDS; i++)
		json_object_set_new(body, wide_names[i], json_sprintf("v%d", i + 1));
	assert_int_equal(ledger_append(&t->cx, &full, hh, body, &out), OUT_OK);
	char last[16];
	snprintf(last, sizeof(last), "v%d", LEDGER_MAX_FIELDS);
	assert_string_equal(json_string_value(json_object_get(out, wide_names[LEDGER_MAX_FIELDS - 1])),
			    last);
	json_decref(out);
	/* one over: the process stops on the descriptor's first use, nothing written */
	struct ledger over = wide_ledger(LEDGER_MAX_FIELDS + 1);
	json_object_set_new(body, wide_names[LEDGER_MAX_FIELDS], json_string("v"));
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(2);	/* the check's line in the log is expected */
		json_t *o = NULL;
		ledger_append(&t->cx, &over, hh, body, &o);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	assert_int_equal(store_one_int(t->cx.db, &rc, "SELECT count(*) FROM wide", NULL), 1);
	json_decref(body);
	assert_int_equal(store_exec(t->cx.db, "DROP TABLE wide", NULL), STORE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conditions_parse),
		cmocka_unit_test(dates_from_settings),
		cmocka_unit_test(every_stored_rule_parses),
		cmocka_unit_test(counts_report_and_lists_agree),
		cmocka_unit_test(ledger_changes_show_in_the_trail),
		cmocka_unit_test(replacing_a_ledger_needs_its_etag),
		cmocka_unit_test(every_ledger_descriptor_is_whole),
		cmocka_unit_test(every_field_says_its_limits_and_words),
		cmocka_unit_test(a_ledger_at_its_field_limit_works_and_one_over_stops),
	};
	return cmocka_run_group_tests(tests, testdb_setup_demo, testdb_teardown);
}
