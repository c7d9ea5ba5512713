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

/* The table's promise, row by row: every state-changing route with a session needs the
 * CSRF token; only public rows may be exempt; uploads check their target first. */
static void every_state_changing_row_is_protected(void **state)
{
	int writes = 0;
	(void)state;
	for (const struct route *r = routes_table(); r->method; r++) {
		if (route_changes_state(r->method) && r->perm != PERM_PUBLIC) {
			if (!route_needs_csrf(r))
				fail_msg("%s %s is not CSRF-checked", r->method, r->pattern);
			writes++;
		}
		if (r->csrf == CSRF_EXEMPT && r->perm != PERM_PUBLIC)
			fail_msg("%s %s: only public rows may be exempt", r->method, r->pattern);
		if (r->upload && (!r->precheck || !route_changes_state(r->method)))
			fail_msg("%s %s: an upload without a precheck", r->method, r->pattern);
		assert_non_null(r->handler);
	}
	assert_true(writes > 40);
	assert_false(route_changes_state("GET"));
	assert_true(route_changes_state("PATCH"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_state_changing_row_is_protected),
		cmocka_unit_test(matches_literal_and_captures),
		cmocka_unit_test(rejects_near_misses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
