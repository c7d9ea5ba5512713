/* Unit tests for core/date_rule.c: one set of date codes, at the edges of each rule. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
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

/* date_format writes what "%04d-%02d-%02d" wrote, for every day from 0001-01-01 on. */
static void dates_are_written_as_printf_wrote_them(void **state)
{
	(void)state;
	char out[11], want[40];
	int y, m, d;
	for (long days = date_days(1, 1, 1); days <= date_days(9999, 12, 31); days += 97) {
		date_format(days, out);
		date_from_days(days, &y, &m, &d);
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
		assert_string_equal(out, want);
	}
	date_format(date_days(2019, 5, 1), out);
	assert_string_equal(out, "2019-05-01");
	date_format(date_days(2000, 12, 31), out);
	assert_string_equal(out, "2000-12-31");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(when_rules_at_their_edges),
		cmocka_unit_test(checks_add_the_code_on_the_field),
		cmocka_unit_test(dates_are_written_as_printf_wrote_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
