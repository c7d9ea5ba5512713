/* Unit tests for domain/service.c: the state machine of a one-stop service request, and the
 * promised day reckoned in working days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/date.h"
#include "domain/service.h"

/* Every pair of states, against the table the issue draws: received → accepted →
 * in_progress → done, referred or rejected from any open state, accepted straight to done. */
static void every_move_is_allowed_or_refused_as_drawn(void **state)
{
	static const char *const allowed[][2] = {
		{"received", "accepted"}, {"received", "referred"}, {"received", "rejected"},
		{"accepted", "in_progress"}, {"accepted", "done"}, {"accepted", "referred"},
		{"accepted", "rejected"}, {"in_progress", "done"}, {"in_progress", "referred"},
		{"in_progress", "rejected"},
	};
	(void)state;
	int yes = 0;
	for (int i = 0; service_statuses[i]; i++)
		for (int j = 0; service_statuses[j]; j++) {
			const char *from = service_statuses[i], *to = service_statuses[j];
			bool expected = false;
			for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
				expected |= !strcmp(allowed[k][0], from) && !strcmp(allowed[k][1], to);
			if (service_move_allowed(from, to) != expected)
				fail_msg("%s -> %s: %s", from, to, expected ? "refused" : "allowed");
			yes += expected;
		}
	assert_int_equal(yes, 10);
}

static void final_states_move_nowhere(void **state)
{
	(void)state;
	assert_false(service_move_allowed("done", "received"));
	assert_false(service_move_allowed("done", "accepted"));
	assert_false(service_move_allowed("referred", "in_progress"));
	assert_false(service_move_allowed("rejected", "accepted"));
	assert_false(service_move_allowed("received", "received"));
	assert_false(service_move_allowed("received", "done"));	/* accepted first */
	assert_false(service_move_allowed(NULL, "accepted"));
	assert_false(service_move_allowed("received", NULL));
	assert_false(service_move_allowed("lost", "done"));
	assert_false(service_move_allowed("received", "lost"));
	assert_true(service_status_open("in_progress"));
	assert_false(service_status_open("referred"));
	assert_false(service_status_open(NULL));
}

/* The promise counts Monday to Friday: a Friday's 1 day is Monday, 5 days a week later. */
static void due_day_skips_weekends(void **state)
{
	(void)state;
	char s[11];
	long friday = date_days(2026, 11, 27);
	date_format(service_due_day(friday, 1), s);
	assert_string_equal(s, "2026-11-30");
	date_format(service_due_day(friday, 5), s);
	assert_string_equal(s, "2026-12-04");
	long saturday = date_days(2026, 11, 28);
	date_format(service_due_day(saturday, 1), s);
	assert_string_equal(s, "2026-11-30");
	long monday = date_days(2026, 11, 30);
	date_format(service_due_day(monday, 20), s);
	assert_string_equal(s, "2026-12-28");
	date_format(service_due_day(monday, 0), s);
	assert_string_equal(s, "2026-11-30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_move_is_allowed_or_refused_as_drawn),
		cmocka_unit_test(final_states_move_nowhere),
		cmocka_unit_test(due_day_skips_weekends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
