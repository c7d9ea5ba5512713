/* Unit tests for core/sheet.c: worksheet names Excel accepts, formula cells neutralised,
 * numbers left numbers. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/sheet.h"
#include "core/utf8.h"

static void long_names_are_cut_at_31_characters_not_bytes(void **state)
{
	char out[SHEET_NAME_MAX * 4 + 1];
	(void)state;
	sheet_name("Labor force with neither job nor training", NULL, 0, out);
	assert_string_equal(out, "Labor force with neither job no");
	/* 40 CJK characters (3 bytes each): 31 whole characters, valid UTF-8 */
	const char *cjk = "无就业无培训劳动力无就业无培训劳动力无就业无培训劳动力无就业无培训劳动力无就业";
	sheet_name(cjk, NULL, 0, out);
	assert_int_equal(utf8_length(out), 31);
	assert_true(utf8_valid(out, strlen(out)));
	assert_memory_equal(out, cjk, strlen(out));
	/* a character outside the BMP counts two, as Excel counts */
	char astral[200];
	for (int i = 0; i < 20; i++)
		memcpy(astral + 4 * i, "\xF0\x9F\x98\x80", 4);
	astral[80] = '\0';
	sheet_name(astral, NULL, 0, out);
	assert_int_equal(utf8_length(out), 15);
}

static void forbidden_characters_are_replaced(void **state)
{
	char out[SHEET_NAME_MAX * 4 + 1];
	(void)state;
	sheet_name("a[b]c:d*e?f/g\\h", NULL, 0, out);
	assert_string_equal(out, "a_b_c_d_e_f_g_h");
	sheet_name("'quoted'", NULL, 0, out);
	assert_string_equal(out, "_quoted_");
	sheet_name("", NULL, 0, out);
	assert_string_equal(out, "Sheet");
	sheet_name("bad \xFF byte", NULL, 0, out);
	assert_string_equal(out, "bad _ byte");
}

static void names_are_made_unique_within_the_limit(void **state)
{
	char a[SHEET_NAME_MAX * 4 + 1], b[SHEET_NAME_MAX * 4 + 1], c[SHEET_NAME_MAX * 4 + 1];
	(void)state;
	const char *name = "Labor force with neither job nor training";
	sheet_name(name, NULL, 0, a);
	const char *used1[] = {a};
	sheet_name(name, used1, 1, b);
	assert_string_equal(b, "Labor force with neither jo (2)");
	assert_int_equal(utf8_length(b), 31);
	const char *used2[] = {a, b};
	sheet_name(name, used2, 2, c);
	assert_string_equal(c, "Labor force with neither jo (3)");
	/* Excel compares names without regard to case */
	const char *upper[] = {"TOWN"};
	sheet_name("town", upper, 1, c);
	assert_string_equal(c, "town (2)");
}

static void formula_text_is_neutralised_numbers_are_not(void **state)
{
	struct buf out = BUF_INIT;
	(void)state;
	json_t *cols = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
				 "key", "a", "label", "A", "key", "b", "label", "B", "key", "c", "label", "C",
				 "key", "d", "label", "D", "key", "e", "label", "E");
	json_t *rows = json_pack("[{s:s, s:I, s:f, s:s, s:s}, {s:s, s:s, s:s, s:s, s:n}]",
				 "a", "=HYPERLINK(\"http://x\",\"y\")", "b", (json_int_t)-3, "c", -3.5,
				 "d", "-3.5", "e", "plain",
				 "a", "+1", "b", "@SUM(A1)", "c", "\tTAB", "d", "\rCR", "e");
	sheet_csv_rows(cols, rows, &out);
	assert_string_equal(out.data,
		"\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3,-3.50,\"'-3.5\",plain\r\n"
		"\"'+1\",\"'@SUM(A1)\",\"'\tTAB\",\"'\rCR\",\r\n");
	assert_true(sheet_looks_like_formula("=1"));
	assert_false(sheet_looks_like_formula("1-2"));
	assert_false(sheet_looks_like_formula(""));
	json_decref(cols);
	json_decref(rows);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_names_are_cut_at_31_characters_not_bytes),
		cmocka_unit_test(forbidden_characters_are_replaced),
		cmocka_unit_test(names_are_made_unique_within_the_limit),
		cmocka_unit_test(formula_text_is_neutralised_numbers_are_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
