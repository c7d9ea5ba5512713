/* Unit tests for store/tokenizer.c: what the name index sees. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "store/tokenizer.h"

/* Renders tokens as "tok@start" separated by spaces, colocated ones marked with "+". */
static int collect(void *ctx, const char *token, size_t len, int start, int end, int colocated)
{
	struct buf *b = ctx;
	(void)end;
	buf_printf(b, "%s%s%.*s@%d", b->len ? " " : "", colocated ? "+" : "", (int)len, token, start);
	return 0;
}

static void render(const char *text, int query, struct buf *b)
{
	buf_reset(b);
	assert_int_equal(tokenize(text, strlen(text), query, collect, b), 0);
}

static void documents_get_bigrams_and_unigrams(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	render("张伟", 0, &b);
	assert_string_equal(b.data, "张伟@0 +张@0 伟@3");
	render("张伟明", 0, &b);
	assert_string_equal(b.data, "张伟@0 +张@0 伟明@3 +伟@3 明@6");
	render("龙", 0, &b);
	assert_string_equal(b.data, "龙@0");
	buf_release(&b);
}

static void queries_get_bigram_phrases(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	render("张伟", 1, &b);
	assert_string_equal(b.data, "张伟@0");
	render("张伟明", 1, &b);
	assert_string_equal(b.data, "张伟@0 伟明@3");
	render("伟", 1, &b);
	assert_string_equal(b.data, "伟@0");
	buf_release(&b);
}

static void latin_words_and_separators(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	render("Room 3-201 团山社区", 0, &b);
	assert_string_equal(b.data, "room@0 3@5 201@7 团山@11 +团@11 山社@14 +山@14 社区@17 +社@17 区@20");
	render("\xFF\xFE bad", 0, &b);	/* invalid bytes are skipped, not fatal */
	assert_string_equal(b.data, "bad@3");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documents_get_bigrams_and_unigrams),
		cmocka_unit_test(queries_get_bigram_phrases),
		cmocka_unit_test(latin_words_and_separators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
