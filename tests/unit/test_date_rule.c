/* Unit tests for core/date_rule.c: one set of date codes, at the edges of each rule. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/date.h"
#include "core/date_rule.h"

static void when_rules_at_their_edges(void **state)
{
	(void)state;
	long today = date_days(2026, 11, 29);
	assert_null(date_rule_when(today, today, DATE_PAST));
	assert_string_equal(date_rule_when(today + 1, today, DATE_PAST), DATE_IN_FUTURE);
	assert_null(date_rule_when(today + DATE_PLANNED_DAYS, today, DATE_PLANNED));
	assert_string_equal(date_rule_when(today + DATE_PLANNED_DAYS + 1, today, DATE_PLANNED),
			    DATE_TOO_FAR_AHEAD);
	assert_null(date_rule_when(today + 5000, today, DATE_ANY));
	assert_null(date_rule_when(DATE_UNKNOWN, today, DATE_PAST));	/* unknown breaks nothing */
	assert_string_equal(DATE_IN_FUTURE, "date_in_future");
	assert_string_equal(DATE_TOO_FAR_AHEAD, "date_too_far_ahead");
	assert_string_equal(DATE_ORDER, "end_before_start");
}

static void checks_add_the_code_on_the_field(void **state)
{
	(void)state;
	struct arena a;
	struct verrors e;
	arena_init(&a, 0);
	verrors_init(&e, &a);
	long today = date_days(2026, 11, 29);
	assert_true(date_rule_check_when(&e, "items[0].", "done_date", today, today, DATE_PAST));
	assert_false(date_rule_check_when(&e, "items[0].", "done_date", today + 1, today, DATE_PAST));
	assert_int_equal(e.n, 1);
	assert_string_equal(e.items[0].field, "items[0].done_date");
	assert_string_equal(e.items[0].code, "date_in_future");
	/* order: the same day passes, a day before does not, an unknown one passes */
	assert_true(date_rule_check_order_text(&e, "end_date", "2024-01-01", "2024-01-01"));
	assert_true(date_rule_check_order_text(&e, "end_date", NULL, "2024-01-01"));
	assert_true(date_rule_check_order_text(&e, "end_date", "2024-01-01", "not a date"));
	assert_false(date_rule_check_order_text(&e, "end_date", "2023-12-31", "2024-01-01"));
	assert_false(date_rule_check_order(&e, "start_date", 10, 11));
	/* days before 1970 are negative, and still dates */
	assert_false(date_rule_check_order_text(&e, "start_date", "1900-01-01", "1965-03-02"));
	assert_int_equal(date_rule_day("1969-12-31"), -1);
	assert_int_equal(date_rule_day("1969-13-31"), DATE_UNKNOWN);
	assert_int_equal(e.n, 4);
	assert_string_equal(e.items[1].field, "end_date");
	assert_string_equal(e.items[1].code, "end_before_start");
	assert_string_equal(e.items[2].field, "start_date");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(when_rules_at_their_edges),
		cmocka_unit_test(checks_add_the_code_on_the_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
