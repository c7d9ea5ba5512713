/* Unit tests for core/buf.c and core/arena.c. */
#include "tests/unit/cmocka_prelude.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

static void buf_starts_empty_and_terminated(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_puts(&b, "团山");
	buf_printf(&b, "-%d", 30);
	assert_string_equal(b.data, "团山-30");
	assert_int_equal(b.len, strlen("团山-30"));
	buf_release(&b);
	assert_string_equal(b.data, "");
}

static void buf_limit_sets_sticky_failure(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	b.limit = 8;
	buf_puts(&b, "1234567");
	assert_false(b.failed);
	buf_puts(&b, "89");
	assert_true(b.failed);
	buf_puts(&b, "x");
	assert_true(b.failed);
	assert_string_equal(b.data, "1234567");
	assert_null(buf_detach(&b, NULL));
	buf_release(&b);
}

static void buf_detach_hands_over(void **state)
{
	struct buf b = BUF_INIT;
	size_t n;
	(void)state;
	buf_add(&b, "abc", 3);
	char *s = buf_detach(&b, &n);
	assert_string_equal(s, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(b.len, 0);
	free(s);
}

static void arena_caps_allocations(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 1024);
	assert_non_null(arena_alloc(&a, 512));
	assert_null(arena_alloc(&a, 1024));
	char *s = arena_printf(&a, "%s-%d", "x", 7);
	assert_string_equal(s, "x-7");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_starts_empty_and_terminated),
		cmocka_unit_test(buf_limit_sets_sticky_failure),
		cmocka_unit_test(buf_detach_hands_over),
		cmocka_unit_test(arena_caps_allocations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
