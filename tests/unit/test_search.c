/* Unit tests for domain/search.c over a small demo county in a temporary database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "demo/demo.h"
#include "domain/division.h"
#include "domain/search.h"
#include "tests/unit/testdb.h"

static void search_by_initials_finds_names(void **state)
{
	struct testdb *t = *state;
	json_t *out = NULL;
	assert_int_equal(search_run(&t->cx, "zw", 20, &out), OUT_OK);
	char *s = json_dumps(out, 0);
	assert_non_null(s);
	free(s);
	json_t *results = json_object_get(out, "results");
	assert_true(json_array_size(results) > 0);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_by_initials_finds_names),
	};
	return cmocka_run_group_tests(tests, testdb_setup_demo, testdb_teardown);
}
