/* Unit tests for the follow-up rules: conditions parse, dates from settings, and the pass
 * and the rules agree on a small generated county. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/date.h"
#include "domain/employment_report.h"
#include "domain/followup_pass.h"
#include "domain/followup.h"
#include "domain/ledger.h"
#include "domain/worklist.h"
#include "tests/unit/testdb.h"

static void conditions_parse(void **state)
{
	(void)state;
	struct fact_condition c;
	const char *bad = NULL;
	assert_true(fact_condition_parse("relocated labor !worked_recently", false, &c, &bad));
	assert_int_equal(c.ngroups, 1);
	assert_int_equal(c.g[0].p_need, PF_COUNTED | PF_LABOR);
	assert_int_equal(c.g[0].p_not, PF_WORKED_RECENTLY);
	assert_int_equal(c.g[0].h_need, HF_RELOCATED);
	assert_true(fact_condition_parse("relocated has_labor !has_employed", true, &c, &bad));
	assert_int_equal(c.g[0].h_need, HF_COUNTED | HF_RELOCATED | HF_HAS_LABOR);
	assert_int_equal(c.g[0].h_not, HF_HAS_EMPLOYED);
	assert_true(fact_condition_parse("labor !skilled | labor !employed", false, &c, &bad));
	assert_int_equal(c.ngroups, 2);
	assert_int_equal(c.g[1].p_need, PF_COUNTED | PF_LABOR);
	assert_int_equal(c.g[1].p_not, PF_EMPLOYED);
	assert_false(fact_condition_parse("labor | labor | labor | labor | labor", false, &c, &bad));
	assert_false(fact_condition_parse("labor !happy", false, &c, &bad));
	assert_string_equal(bad, "happy");
	/* a household rule cannot test a person's facts */
	assert_false(fact_condition_parse("relocated labor", true, &c, &bad));
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
		if (!fact_condition_parse(store_text(r, 2), strcmp(store_text(r, 1), "household") == 0,
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conditions_parse),
		cmocka_unit_test(dates_from_settings),
		cmocka_unit_test(every_stored_rule_parses),
		cmocka_unit_test(counts_report_and_lists_agree),
	};
	return cmocka_run_group_tests(tests, testdb_setup_demo, testdb_teardown);
}
