/* Unit tests for the page form decoder (web/page.c page_form, also fuzzed by
 * tests/fuzz/fuzz_form.c): application/x-www-form-urlencoded as browsers send it, and the
 * edges a hand-made body reaches — percent-escapes (good, bad, cut short), '+', repeated
 * and empty keys, a missing '=', NUL bytes, invalid UTF-8, and large bodies. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "web/page.h"

/* Decodes `body` (len bytes) as the dispatcher would hand it over. */
static json_t *decode(const char *body, size_t len)
{
	struct request rq;
	memset(&rq, 0, sizeof(rq));
	buf_init(&rq.body);
	buf_add(&rq.body, body, len);
	json_t *f = page_form(&rq);
	buf_release(&rq.body);
	return f;
}

static json_t *decode_s(const char *body) { return decode(body, strlen(body)); }

static void value_is(json_t *f, const char *key, const char *want)
{
	json_t *v = json_object_get(f, key);
	assert_non_null(v);
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), want);
}

static void plain_fields_and_escapes(void **state)
{
	(void)state;
	json_t *f = decode_s("name=%E5%BC%A0%E4%BC%9F&note=a+b%2Bc&csrf=x");
	assert_non_null(f);
	assert_int_equal(json_object_size(f), 3);
	value_is(f, "name", "张伟");
	value_is(f, "note", "a b+c");	/* '+' is a space, %2B a plus */
	json_decref(f);

	/* escapes in keys; '&' and '=' escaped are data, not separators */
	f = decode_s("a%3Db=c%26d%3De&x+y=1");
	assert_non_null(f);
	value_is(f, "a=b", "c&d=e");
	value_is(f, "x y", "1");
	json_decref(f);

	/* upper and lower case hex alike; raw UTF-8 (not escaped) is fine too */
	f = decode_s("k=%c3%a9%C3%A9&r=张");
	value_is(f, "k", "éé");
	value_is(f, "r", "张");
	json_decref(f);
}

static void empty_and_missing_parts(void **state)
{
	(void)state;
	json_t *f = decode_s("");
	assert_non_null(f);
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);

	f = decode_s("flag&empty=&=novalue&&last=1&");
	assert_non_null(f);
	value_is(f, "flag", "");	/* no '=': the key with an empty value */
	value_is(f, "empty", "");
	value_is(f, "", "");		/* "=novalue" and "&&" give the empty key; the later wins */
	value_is(f, "last", "1");
	assert_int_equal(json_object_size(f), 4);
	json_decref(f);

	/* only the first '=' splits: the rest belong to the value */
	f = decode_s("eq=a=b==");
	value_is(f, "eq", "a=b==");
	json_decref(f);
}

static void repeated_keys_keep_the_last(void **state)
{
	(void)state;
	json_t *f = decode_s("role=town&role=admin&role=volunteer");
	assert_non_null(f);
	assert_int_equal(json_object_size(f), 1);
	value_is(f, "role", "volunteer");
	json_decref(f);
	/* the same key spelt with and without an escape is the same key */
	f = decode_s("ab=1&%61b=2");
	assert_int_equal(json_object_size(f), 1);
	value_is(f, "ab", "2");
	json_decref(f);
}

/* A '%' not followed by two hex digits is kept as it is, and so are the characters after
 * it: strtol's leniency (a sign, leading space, "0x") must not turn them into a byte. */
static void bad_escapes_are_literal(void **state)
{
	(void)state;
	static const struct {
		const char *body, *want;
	} cases[] = {
		{"v=100%", "100%"},		/* at the end */
		{"v=%4", "%4"},			/* cut short */
		{"v=%zz", "%zz"},
		{"v=%G1", "%G1"},
		{"v=%%41", "%A"},		/* the first '%' is literal, then %41 */
		{"v=%+41", "% 41"},		/* not "\x04" followed by "1" */
		{"v=%+9", "% 9"},		/* not a tab */
		{"v=%%20", "% "},
		{"v=% A", "% A"},		/* not a newline */
		{"v=%-1x", "%-1x"},		/* not the byte 0xFF */
		{"v=%0x", "%0x"},
		{"v=50%+off", "50% off"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *f = decode_s(cases[i].body);
		if (!f)
			fail_msg("%s: refused", cases[i].body);
		const char *got = json_string_value(json_object_get(f, "v"));
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].body, got ? got : "(none)",
				 cases[i].want);
		json_decref(f);
	}
}

/* Anything that is not UTF-8 text refuses the whole form (NULL), in a key or a value,
 * escaped or raw; so does a NUL byte. */
static void invalid_text_refuses_the_form(void **state)
{
	(void)state;
	const char *bad[] = {
		"v=%FF",
		"v=%C3%28",		/* a lead byte without its continuation */
		"v=%C3",		/* cut at the end */
		"v=%C0%AF",		/* overlong '/' */
		"v=%ED%A0%80",		/* a surrogate */
		"v=%F4%90%80%80",	/* past U+10FFFF */
		"%FF=v",
		"ok=1&v=%E4%B8",	/* a later field spoils the whole form */
		"v=%00",
		"v=a%00b",
		"%00=v",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *f = decode_s(bad[i]);
		if (f)
			fail_msg("%s: accepted", bad[i]);
	}
	/* raw bytes, not escaped */
	assert_null(decode("v=\xFF", 3));
	assert_null(decode("v=a\0b", 5));
	assert_null(decode("\x80=1", 3));
}

static void large_forms(void **state)
{
	(void)state;
	enum { N = 1 << 20 };
	/* one value of a mebibyte of escaped CJK, decoded to a third of its length */
	struct buf b = BUF_INIT;
	buf_puts(&b, "note=");
	for (int i = 0; i < N / 9; i++)
		buf_puts(&b, "%E4%B8%AD");
	json_t *f = decode(b.data, b.len);
	assert_non_null(f);
	assert_int_equal(strlen(json_string_value(json_object_get(f, "note"))), (N / 9) * 3);
	json_decref(f);

	/* many fields */
	buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%sk%d=%d", i ? "&" : "", i, i);
	f = decode(b.data, b.len);
	assert_non_null(f);
	assert_int_equal(json_object_size(f), 5000);
	value_is(f, "k4999", "4999");
	json_decref(f);
	buf_release(&b);
}

/* The body is bounded by its length, not by a NUL: bytes after len are not read. */
static void length_bounds_the_body(void **state)
{
	(void)state;
	json_t *f = decode("a=12345", 4);
	assert_non_null(f);
	value_is(f, "a", "12");
	json_decref(f);
	f = decode("a=%41", 4);	/* the escape is cut by the length: literal */
	value_is(f, "a", "%4");
	json_decref(f);
}

/* Once the dispatcher has decoded the form (for its CSRF check), the handler gets that
 * same object, not a second decoding of the body. */
static void decoded_form_is_reused(void **state)
{
	(void)state;
	struct request rq;
	memset(&rq, 0, sizeof(rq));
	buf_init(&rq.body);
	buf_puts(&rq.body, "a=from-body");
	rq.form = json_pack("{s:s}", "a", "from-dispatcher");
	json_t *f = page_form(&rq);
	assert_ptr_equal(f, rq.form);
	value_is(f, "a", "from-dispatcher");
	json_decref(f);
	json_decref(rq.form);
	buf_release(&rq.body);
}

static void form_value_defaults_to_empty(void **state)
{
	(void)state;
	json_t *f = decode_s("a=1");
	assert_string_equal(page_form_value(f, "a"), "1");
	assert_string_equal(page_form_value(f, "missing"), "");
	assert_string_equal(page_form_value(NULL, "a"), "");
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_fields_and_escapes),
		cmocka_unit_test(empty_and_missing_parts),
		cmocka_unit_test(repeated_keys_keep_the_last),
		cmocka_unit_test(bad_escapes_are_literal),
		cmocka_unit_test(invalid_text_refuses_the_form),
		cmocka_unit_test(large_forms),
		cmocka_unit_test(length_bounds_the_body),
		cmocka_unit_test(decoded_form_is_reused),
		cmocka_unit_test(form_value_defaults_to_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
