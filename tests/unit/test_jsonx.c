/* Unit tests for core/jsonx.c: every problem is reported, with the right field and code. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/jsonx.h"

struct fixture {
	struct arena a;
	struct verrors e;
};

static int setup(void **state)
{
	static struct fixture f;
	arena_init(&f.a, 0);
	verrors_init(&f.e, &f.a);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_release(&f->a);
	return 0;
}

static const char *code_of(struct verrors *e, const char *field)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->items[i].field, field) == 0)
			return e->items[i].code;
	return NULL;
}

static void collects_every_error(void **state)
{
	struct fixture *f = *state;
	static const char *const colours[] = {"red", "green", NULL};
	static const char *const allowed[] = {"name", "colour", "when", "n", "code", NULL};
	json_t *o = json_loads("{\"name\": \"a\\u0001b\", \"colour\": \"blue\", \"when\": \"2019-02-30\","
			       " \"n\": 11, \"code\": \"52062\", \"extra\": 1}", 0, NULL);
	int64_t n;
	assert_non_null(o);
	assert_null(jx_string(o, "name", "p.", true, 30, &f->e));
	assert_null(jx_enum(o, "colour", "p.", true, colours, &f->e));
	assert_null(jx_date(o, "when", "p.", true, &f->e));
	assert_false(jx_int(o, "n", "p.", true, 0, 10, &n, &f->e));
	assert_null(jx_code(o, "code", "p.", true, 6, &f->e));
	assert_null(jx_string(o, "missing", "p.", true, 30, &f->e));
	jx_only(o, allowed, "p.", &f->e);
	assert_string_equal(code_of(&f->e, "p.name"), "control_character");
	assert_string_equal(code_of(&f->e, "p.colour"), "unknown_value");
	assert_string_equal(code_of(&f->e, "p.when"), "invalid_date");
	assert_string_equal(code_of(&f->e, "p.n"), "out_of_range");
	assert_string_equal(code_of(&f->e, "p.code"), "invalid_code");
	assert_string_equal(code_of(&f->e, "p.missing"), "required");
	assert_string_equal(code_of(&f->e, "p.extra"), "unknown_field");
	assert_int_equal(f->e.n, 7);
	json_decref(o);
}

static void accepts_good_values_and_counts_characters(void **state)
{
	struct fixture *f = *state;
	verrors_init(&f->e, &f->a);
	json_t *o = json_pack("{s:s, s:s, s:i, s:n}", "name", "张伟", "when", "2020-02-29",
			      "n", 5, "gone", NULL);
	int64_t n = 0;
	assert_string_equal(jx_string(o, "name", "", true, 2, &f->e), "张伟");
	assert_string_equal(jx_date(o, "when", "", true, &f->e), "2020-02-29");
	assert_true(jx_int(o, "n", "", true, 0, 10, &n, &f->e));
	assert_int_equal(n, 5);
	assert_null(jx_string(o, "gone", "", false, 5, &f->e));	/* null = absent */
	assert_int_equal(f->e.n, 0);
	assert_null(jx_string(o, "name", "", true, 1, &f->e));
	assert_string_equal(f->e.items[0].code, "too_long");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(collects_every_error),
		cmocka_unit_test(accepts_good_values_and_counts_characters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
