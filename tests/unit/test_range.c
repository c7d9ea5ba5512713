/* Unit tests for web/range.c. */
#include "tests/unit/cmocka_prelude.h"

#include "web/range.h"

static void single_ranges(void **state)
{
	uint64_t a, b;
	(void)state;
	assert_int_equal(range_parse("bytes=0-9", 100, &a, &b), 1);
	assert_true(a == 0 && b == 9);
	assert_int_equal(range_parse("bytes=90-", 100, &a, &b), 1);
	assert_true(a == 90 && b == 99);
	assert_int_equal(range_parse("bytes=50-500", 100, &a, &b), 1);
	assert_true(a == 50 && b == 99);
	assert_int_equal(range_parse("bytes=-10", 100, &a, &b), 1);
	assert_true(a == 90 && b == 99);
	assert_int_equal(range_parse("bytes=-1000", 100, &a, &b), 1);
	assert_true(a == 0 && b == 99);
}

static void unsatisfiable_and_ignored(void **state)
{
	uint64_t a, b;
	(void)state;
	assert_int_equal(range_parse("bytes=100-", 100, &a, &b), -1);
	assert_int_equal(range_parse("bytes=-0", 100, &a, &b), -1);
	assert_int_equal(range_parse(NULL, 100, &a, &b), 0);
	assert_int_equal(range_parse("items=0-1", 100, &a, &b), 0);
	assert_int_equal(range_parse("bytes=0-1,5-6", 100, &a, &b), 0);
	assert_int_equal(range_parse("bytes=9-1", 100, &a, &b), 0);
	assert_int_equal(range_parse("bytes=x-1", 100, &a, &b), 0);
	assert_int_equal(range_parse("bytes=1-2x", 100, &a, &b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_ranges),
		cmocka_unit_test(unsatisfiable_and_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
