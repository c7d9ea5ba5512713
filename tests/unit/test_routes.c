/* Unit tests for web/routes.c pattern matching. */
#include "tests/unit/cmocka_prelude.h"

#include "web/routes.h"

static void matches_literal_and_captures(void **state)
{
	int64_t ids[MAX_CAPTURES];
	int n;
	(void)state;
	assert_true(route_match("/api/v1/households", "/api/v1/households", ids, &n));
	assert_int_equal(n, 0);
	assert_true(route_match("/api/v1/households/{id}", "/api/v1/households/42", ids, &n));
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 42);
	assert_true(route_match("/api/v1/persons/{id}/move", "/api/v1/persons/7/move", ids, &n));
	assert_int_equal(ids[0], 7);
}

static void rejects_near_misses(void **state)
{
	int64_t ids[MAX_CAPTURES];
	int n;
	(void)state;
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/0", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/012", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/1x", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/-1", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/../users", ids, &n));
	assert_false(route_match("/api/v1/households/{id}",
				 "/api/v1/households/1234567890123456789", ids, &n));
	assert_false(route_match("/api/v1/households", "/api/v1/households/", ids, &n));
	assert_false(route_match("/healthz", "/healthz/x", ids, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_literal_and_captures),
		cmocka_unit_test(rejects_near_misses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
