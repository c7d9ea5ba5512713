/* Unit tests for domain/petition.c: the state of a petition against its deadline (on
 * track, at risk in the last fifth of its time, breached after it), open and replied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/date.h"
#include "domain/petition.h"

/* A 15-day petition opened on day 0: on track for days 0..11, at risk on days 12 to 15
 * (15 / 5 = 3 days left or fewer), breached from day 16. */
static void open_petition_moves_from_on_track_to_breached(void **state)
{
	(void)state;
	long opened = date_days(2026, 11, 1), deadline = opened + 15;
	for (long d = 0; d <= 20; d++) {
		const char *want = d <= 11 ? "on_track" : d <= 15 ? "at_risk" : "breached";
		const char *got = petition_state(opened + d, opened, deadline, -1);
		if (strcmp(got, want) != 0)
			fail_msg("day %ld: %s, expected %s", d, got, want);
	}
}

/* Short deadlines: 7 days are at risk from the day before; 1 to 4 days only on the
 * deadline day itself, so a new petition is always on track. */
static void short_deadlines_and_creation_day(void **state)
{
	(void)state;
	long o = date_days(2026, 11, 1);
	assert_string_equal(petition_state(o + 5, o, o + 7, -1), "on_track");
	assert_string_equal(petition_state(o + 6, o, o + 7, -1), "at_risk");
	assert_string_equal(petition_state(o + 7, o, o + 7, -1), "at_risk");
	assert_string_equal(petition_state(o + 8, o, o + 7, -1), "breached");
	for (int days = 1; days <= 90; days++)
		if (strcmp(petition_state(o, o, o + days, -1), "on_track") != 0)
			fail_msg("a new %d-day petition is not on track", days);
	assert_string_equal(petition_state(o, o, o + 1, -1), "on_track");
	assert_string_equal(petition_state(o + 1, o, o + 1, -1), "at_risk");
	assert_string_equal(petition_state(o + 2, o, o + 1, -1), "breached");
}

/* A replied petition keeps the state of its reply's day, whatever today is. */
static void replied_petition_is_judged_on_its_reply_day(void **state)
{
	(void)state;
	long o = date_days(2026, 1, 10), deadline = o + 10;
	assert_string_equal(petition_state(o + 400, o, deadline, o + 3), "on_track");
	assert_string_equal(petition_state(o + 400, o, deadline, deadline), "on_track");
	assert_string_equal(petition_state(o + 400, o, deadline, deadline + 1), "breached");
	assert_string_equal(petition_state(o + 9, o, deadline, o + 9), "on_track");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_petition_moves_from_on_track_to_breached),
		cmocka_unit_test(short_deadlines_and_creation_day),
		cmocka_unit_test(replied_petition_is_judged_on_its_reply_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
