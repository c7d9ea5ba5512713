/* Unit tests for core/jsonx.c: every problem is reported, with the right field and code. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/buf.h"
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

/* Texts (an import's cells) are judged as the same values in JSON are: the same answer
 * and the same error code for each. */
static void texts_are_judged_as_json_values_are(void **state)
{
	struct fixture *f = *state;
	static const char *const colours[] = {"red", "green", NULL};
	const char *texts[] = {"张伟", "", "   ", "a\x01b", "\xff\xfe", "一二三四五六", "red",
			       "blue", "2020-02-29", "2019-02-30", "520628", "52062x", NULL};
	for (int i = 0; texts[i]; i++) {
		json_t *o = json_pack("{s:s}", "k", texts[i]);
		struct arena a;
		struct verrors ej, et;
		arena_init(&a, 0);
		verrors_init(&ej, &a);
		verrors_init(&et, &a);
		const char *j[4], *t[4];
		if (!o) {	/* not UTF-8: jansson refuses it; the text is invalid_text */
			assert_null(jx_text(texts[i], "k", "", true, 5, &et));
			assert_string_equal(et.items[0].code, "invalid_text");
			arena_release(&a);
			continue;
		}
		j[0] = jx_string(o, "k", "", true, 5, &ej);
		t[0] = jx_text(texts[i], "k", "", true, 5, &et);
		j[1] = jx_enum(o, "k", "", true, colours, &ej);
		t[1] = jx_text_enum(texts[i], "k", "", true, colours, &et);
		j[2] = jx_date(o, "k", "", true, &ej);
		t[2] = jx_text_date(texts[i], "k", "", true, &et);
		j[3] = jx_code(o, "k", "", true, 6, &ej);
		t[3] = jx_text_code(texts[i], "k", "", true, 6, &et);
		for (int k = 0; k < 4; k++)
			assert_true((j[k] == NULL) == (t[k] == NULL));
		assert_int_equal(ej.n, et.n);
		for (int k = 0; k < ej.n; k++)
			assert_string_equal(ej.items[k].code, et.items[k].code);
		json_decref(o);
		arena_release(&a);
	}
	verrors_init(&f->e, &f->a);
	assert_null(jx_text(NULL, "k", "p.", true, 5, &f->e));
	assert_null(jx_text_enum(NULL, "c", "p.", false, colours, &f->e));
	assert_int_equal(f->e.n, 1);
	assert_string_equal(code_of(&f->e, "p.k"), "required");
	struct jx_pairs p = {.n = 0};
	jx_pairs_set(&p, "name", "a");
	jx_pairs_set(&p, "extra", "b");
	jx_pairs_set(&p, "name", "c");
	assert_int_equal(p.n, 2);
	assert_string_equal(jx_pairs_get(&p, "name"), "c");
	assert_null(jx_pairs_get(&p, "none"));
	static const char *const allowed[] = {"name", NULL};
	jx_pairs_only(&p, allowed, "p.", &f->e);
	assert_string_equal(code_of(&f->e, "p.extra"), "unknown_field");
}

/* jx_dump_sorted writes what json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes: the audit
 * rows of an import are the same text as they were when jansson made them. */
static void pairs_are_written_as_jansson_writes_them(void **state)
{
	(void)state;
	const char *key[] = {"name", "a/b", "note", "id", "empty", "list", "gone", "中文"};
	const char *val[] = {"张\"伟\\", "x/y", "line\none\ttab\x01\x1f\b\f\r", "42", "", "[1,{\"b\":2}]",
			     NULL, "苗族"};
	bool raw[] = {false, false, false, true, false, true, false, false};
	struct buf b = BUF_INIT;
	jx_dump_sorted(&b, 8, key, val, raw);
	json_t *o = json_object();
	for (int i = 0; i < 8; i++)
		if (val[i])
			json_object_set_new(o, key[i], raw[i] ? json_loads(val[i], JSON_DECODE_ANY, NULL)
					    : json_string(val[i]));
	char *want = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(b.data, want);
	free(want);
	json_decref(o);
	buf_release(&b);
}

/* A person's name: jx_string's codes first, then name_bidi or name_invisible, from JSON
 * and from a text alike; a name that shows passes unchanged. */
static void names_refuse_what_does_not_show(void **state)
{
	struct fixture *f = *state;
	const char *names[] = {"吴晓梅", "吴\u200b梅", "\ufeff吴", "吴\u00ad梅", "吴\u202e梅", "",
			       "a	b", "一二三四五六"};
	const char *want[] = {NULL, "name_invisible", "name_invisible", "name_invisible",
			      "name_bidi", "required", "control_character", "too_long"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *o = json_pack("{s:s}", "name", names[i]);
		verrors_init(&f->e, &f->a);
		const char *j = jx_name(o, "name", "", true, 5, &f->e);
		assert_true(want[i] ? j == NULL : j != NULL && strcmp(j, names[i]) == 0);
		if (want[i])
			assert_string_equal(code_of(&f->e, "name"), want[i]);
		else
			assert_int_equal(f->e.n, 0);
		verrors_init(&f->e, &f->a);
		const char *t = jx_text_name(names[i], "m[0].name", "", true, 5, &f->e);
		assert_true(want[i] ? t == NULL : t == names[i]);
		if (want[i])
			assert_string_equal(code_of(&f->e, "m[0].name"), want[i]);
		json_decref(o);
	}
	/* jx_string itself stays as it was: the rule is a name's, not every text's */
	verrors_init(&f->e, &f->a);
	json_t *o = json_pack("{s:s}", "note", "a\u200bb");
	assert_non_null(jx_string(o, "note", "", true, 5, &f->e));
	assert_int_equal(f->e.n, 0);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(collects_every_error),
		cmocka_unit_test(accepts_good_values_and_counts_characters),
		cmocka_unit_test(texts_are_judged_as_json_values_are),
		cmocka_unit_test(pairs_are_written_as_jansson_writes_them),
		cmocka_unit_test(names_refuse_what_does_not_show),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
