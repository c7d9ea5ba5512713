/* Unit tests for core/utf8.c: strict decoding per RFC 3629 (the boundaries of every length,
 * overlongs, surrogates, truncation, stray continuation bytes), NUL refused, and the
 * counts and classes built on the decoder. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/utf8.h"

#define U(s) ((const unsigned char *)(s))

/* Decodes s (of its C length) expecting one code point of `len` bytes. */
static void decodes(const char *s, size_t len, uint32_t want)
{
	uint32_t cp = 0xFFFFFFFF;
	assert_int_equal(utf8_decode(U(s), strlen(s), &cp), len);
	assert_int_equal(cp, want);
}

static void refused(const char *s, size_t n)
{
	uint32_t cp = 0x12345;
	assert_int_equal(utf8_decode(U(s), n, &cp), 0);
	assert_int_equal(cp, 0x12345);	/* nothing is written on refusal */
}

static void decode_accepts_the_first_and_last_of_every_length(void **state)
{
	(void)state;
	decodes("\x01", 1, 0x01);
	decodes("\x7F", 1, 0x7F);
	decodes("\xC2\x80", 2, 0x80);
	decodes("\xDF\xBF", 2, 0x7FF);
	decodes("\xE0\xA0\x80", 3, 0x800);
	decodes("\xED\x9F\xBF", 3, 0xD7FF);	/* just below the surrogates */
	decodes("\xEE\x80\x80", 3, 0xE000);	/* just above them */
	decodes("\xEF\xBF\xBF", 3, 0xFFFF);
	decodes("\xF0\x90\x80\x80", 4, 0x10000);
	decodes("\xF4\x8F\xBF\xBF", 4, 0x10FFFF);
	decodes("中", 3, 0x4E2D);
	decodes("𠀀", 4, 0x20000);
	/* only the first character is decoded */
	uint32_t cp;
	assert_int_equal(utf8_decode(U("ab"), 2, &cp), 1);
	assert_int_equal(cp, 'a');
	/* NUL decodes (as one byte); utf8_valid is what refuses it */
	assert_int_equal(utf8_decode(U("\0x"), 2, &cp), 1);
	assert_int_equal(cp, 0);
}

static void decode_refuses_what_rfc3629_forbids(void **state)
{
	(void)state;
	refused("", 0);
	refused("\x80", 1);			/* a continuation byte alone */
	refused("\xBF", 1);
	refused("\xC0\x80", 2);			/* overlong NUL */
	refused("\xC1\xBF", 2);			/* overlong 0x7F */
	refused("\xE0\x9F\xBF", 3);		/* overlong 0x7FF */
	refused("\xF0\x8F\xBF\xBF", 4);		/* overlong 0xFFFF */
	refused("\xED\xA0\x80", 3);		/* U+D800, a surrogate */
	refused("\xED\xBF\xBF", 3);		/* U+DFFF */
	refused("\xF4\x90\x80\x80", 4);		/* U+110000 */
	refused("\xF5\x80\x80\x80", 4);
	refused("\xF8\x88\x80\x80\x80", 5);	/* five-byte forms are gone */
	refused("\xFE", 1);
	refused("\xFF", 1);
	refused("\xC3\x28", 2);			/* second byte not a continuation */
	refused("\xE4\xB8\x41", 3);
	refused("\xF0\x9F\x98\x41", 4);
	/* truncated: the bytes are there in memory but n says they are not ours */
	refused("\xE4\xB8\xAD", 2);
	refused("\xF0\x9F\x98\x80", 3);
	refused("\xC3\xA9", 1);
}

static void valid_checks_every_byte_and_refuses_nul(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("plain ascii", 11));
	assert_true(utf8_valid("张伟 Zhāng 😀", strlen("张伟 Zhāng 😀")));
	assert_false(utf8_valid("a\0b", 3));		/* an embedded NUL */
	assert_false(utf8_valid("\0", 1));
	assert_false(utf8_valid("ok\xFF", 3));		/* bad last byte */
	assert_false(utf8_valid("\xE4\xB8", 2));	/* a character cut at the end */
	assert_false(utf8_valid("中\xB8", 4));		/* a stray continuation */
	assert_false(utf8_valid("\xED\xA0\x80\xED\xB0\x80", 6));	/* a CESU-8 pair */
	/* n bounds the check: the bytes after n are not looked at, a cut inside n is seen */
	assert_true(utf8_valid("abc\xFF", 3));
	assert_false(utf8_valid("中文", 4));
	assert_true(utf8_valid("中文", 3));
}

static void length_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("张伟"), 2);
	assert_int_equal(utf8_length("a😀b"), 3);
	assert_int_equal(utf8_length("é"), 1);
}

static void cjk_blocks_and_their_edges(void **state)
{
	(void)state;
	assert_true(utf8_is_cjk(0x4E00));
	assert_true(utf8_is_cjk(0x9FFF));
	assert_true(utf8_is_cjk(0x3400));	/* extension A */
	assert_true(utf8_is_cjk(0x4DBF));
	assert_true(utf8_is_cjk(0xF900));	/* compatibility ideographs */
	assert_true(utf8_is_cjk(0x20000));	/* extension B */
	assert_true(utf8_is_cjk(0x323AF));
	assert_false(utf8_is_cjk(0x33FF));
	assert_false(utf8_is_cjk(0x4DC0));	/* Yijing hexagrams, between the blocks */
	assert_false(utf8_is_cjk(0x3002));	/* 。 punctuation is not an ideograph */
	assert_false(utf8_is_cjk('A'));
	assert_false(utf8_is_cjk(0x323B0));
	assert_false(utf8_is_cjk(0xAC00));	/* Hangul */
}

static void display_width_counts_wide_characters_twice(void **state)
{
	(void)state;
	assert_int_equal(utf8_display_width(""), 0);
	assert_int_equal(utf8_display_width("abc"), 3);
	assert_int_equal(utf8_display_width("张伟"), 4);
	assert_int_equal(utf8_display_width("张a"), 3);
	assert_int_equal(utf8_display_width("，"), 2);	/* fullwidth comma */
	assert_int_equal(utf8_display_width("한"), 2);
	assert_int_equal(utf8_display_width("é"), 1);
	/* a broken byte takes no column and does not swallow what follows */
	assert_int_equal(utf8_display_width("a\xFF" "b"), 2);
	assert_int_equal(utf8_display_width("\xE4\xB8" "中"), 2);
}

static void control_characters_are_found_anywhere(void **state)
{
	(void)state;
	assert_false(utf8_has_control(""));
	assert_false(utf8_has_control("张伟 (spouse)"));
	assert_false(utf8_has_control("\xC2\xA0"));	/* U+00A0, the first after C1 */
	assert_true(utf8_has_control("a\tb"));
	assert_true(utf8_has_control("line\n"));
	assert_true(utf8_has_control("\r"));
	assert_true(utf8_has_control("\x1B[31m"));
	assert_true(utf8_has_control("x\x7F"));
	assert_true(utf8_has_control("\xC2\x80"));	/* C1 controls, encoded */
	assert_true(utf8_has_control("\xC2\x9F"));
	assert_true(utf8_has_control("张\xC2\x85"));	/* NEL after a wide character */
	/* undecodable text counts as a control character: callers refuse it either way */
	assert_true(utf8_has_control("a\xFF"));
	assert_true(utf8_has_control("\xE4\xB8"));
}

/* Characters that do not show: bidi controls apart, every other Cf character invisible;
 * what shows (letters, the ideographic space, a no-break space, the middle dot of a
 * transliterated name) passes. */
static void hidden_characters_are_named_by_kind(void **state)
{
	(void)state;
	const char *shown[] = {"", "吴晓梅", "王 芳", "吴\u3000梅", "a\u00a0b", "阿依古丽·买买提",
			       "O'Brien-Smith", "\U0001F600", "\u200a"};	/* hair space: shows as a space */
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		assert_int_equal(utf8_hidden_char(shown[i]), UTF8_SHOWN);
	const char *invisible[] = {"吴\u200b梅", "\u200c吴", "吴\u200d", "\u2060吴", "\ufeff吴晓梅",
				   "吴\u00ad梅", "吴\u2062", "\u180e吴", "吴\U000E0041", "\u206a吴",
				   "\u0600", "\U0001D173", "\ufff9"};
	for (size_t i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++)
		assert_int_equal(utf8_hidden_char(invisible[i]), UTF8_INVISIBLE);
	const char *bidi[] = {"吴\u202e梅", "\u200e吴", "吴\u200f", "\u202a吴", "\u2066吴\u2069",
			      "\u061c", "\u200b吴\u202e"};	/* bidi wins over an invisible one */
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++)
		assert_int_equal(utf8_hidden_char(bidi[i]), UTF8_BIDI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_accepts_the_first_and_last_of_every_length),
		cmocka_unit_test(decode_refuses_what_rfc3629_forbids),
		cmocka_unit_test(valid_checks_every_byte_and_refuses_nul),
		cmocka_unit_test(length_counts_code_points),
		cmocka_unit_test(cjk_blocks_and_their_edges),
		cmocka_unit_test(display_width_counts_wide_characters_twice),
		cmocka_unit_test(control_characters_are_found_anywhere),
		cmocka_unit_test(hidden_characters_are_named_by_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
