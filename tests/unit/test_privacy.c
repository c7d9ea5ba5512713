/* Unit tests for domain/privacy.c: the masks, the free-text scrub, and privacy_present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/privacy.h"

static const char *const ID = "52062819850304121X";

static void masks_keep_four_and_two_or_last_four(void **state)
{
	(void)state;
	char out[PRIVACY_MASK_MAX];
	privacy_mask_id(ID, out);
	assert_string_equal(out, "5206************1X");
	privacy_mask_id("520628850304121", out);	/* the old 15-digit number */
	assert_string_equal(out, "5206*********21");
	privacy_mask_phone("13812348000", out);
	assert_string_equal(out, "*******8000");
	privacy_mask_phone("123", out);			/* too short to show any of it */
	assert_string_equal(out, "***");
	privacy_mask_id(NULL, out);
	assert_string_equal(out, "");
}

static void scrub_masks_numbers_standing_alone(void **state)
{
	(void)state;
	char s[200];
	snprintf(s, sizeof(s), "%s", "身份证52062819850304121X复印件, 电话13812348000。");
	assert_true(privacy_scrub_text(s));
	assert_string_equal(s, "身份证5206************1X复印件, 电话*******8000。");
	/* parts of longer tokens stay: a 16-digit household number, hex, dates */
	snprintf(s, sizeof(s), "%s", "5206281182010001 a13812348000b 3f52062819850304121 2026-11-29");
	assert_false(privacy_scrub_text(s));
	assert_string_equal(s, "5206281182010001 a13812348000b 3f52062819850304121 2026-11-29");
}

/* Scrubs a copy of in, checks it reads out, and that a second pass changes nothing more. */
static void scrubs_to(const char *in, const char *out)
{
	char s[300];
	snprintf(s, sizeof(s), "%s", in);
	assert_int_equal(privacy_scrub_text(s), strcmp(in, out) != 0);
	assert_string_equal(s, out);
	assert_false(privacy_scrub_text(s));
	assert_string_equal(s, out);
}

static void scrub_reads_spaced_dashed_and_full_width_numbers(void **state)
{
	(void)state;
	/* the tester's spellings: each one was shown whole to a volunteer */
	scrubs_to("A:138 1234 5678", "A:*******5678");
	scrubs_to("B:138-1234-5678", "B:*******5678");
	scrubs_to("C:522229 20080404 0010", "C:5222************10");
	scrubs_to("D:５２２２２９２００８０４０４００１０", "D:5222************10");
	scrubs_to("E:+8613812345678", "E:+86*******5678");
	scrubs_to("H:522229-2008-0404-0010", "H:5222************10");
	scrubs_to("I:8613812345678", "I:86*******5678");
	scrubs_to("A:138 1234 5678 B:138-1234-5678 C:522229 20080404 0010 "
		  "D:５２２２２９２００８０４０４００１０ E:+8613812345678 H:522229-2008-0404-0010 "
		  "I:8613812345678",
		  "A:*******5678 B:*******5678 C:5222************10 D:5222************10 "
		  "E:+86*******5678 H:5222************10 I:86*******5678");
	/* more of the same family */
	scrubs_to("电话：0086 138 1234 5678。", "电话：0086*******5678。");
	scrubs_to("+86 138.1234.5678", "+86*******5678");
	scrubs_to("１３８　１２３４　５６７８", "*******5678");		/* full-width space */
	scrubs_to("138/1234/5678", "*******5678");
	scrubs_to("52062819850304121Ｘ号", "5206************1X号");	/* full-width X */
	scrubs_to("5206 2819 8503 0412 1x", "5206************1x");
	scrubs_to("旧号 520628 850304 121", "旧号 5206*********21");
	scrubs_to("110 1011 9900 1012 345", "1101************45");	/* an ID, not a phone + digits */
	scrubs_to("13800138000 13900139000", "*******8000 *******9000");
	scrubs_to("520628850304121 13812348000", "5206*********21 *******8000");
	/* a birth date written as one run keeps its year */
	scrubs_to("出生 20080404，", "出生 2008****，");
	scrubs_to("生日19991231", "生日1999****");
	scrubs_to("２００８０４０４", "2008****");
}

static void scrub_leaves_other_numbers_alone(void **state)
{
	(void)state;
	/* household numbers, hashes, money, counts, dates with separators, 8 digits that are
	 * no date, numbers glued to letters */
	const char *const same[] = {
		"户号 5206281182010001",
		"5206281182010001 a13812348000b 3f52062819850304121",
		"2019-05-01 至 2020/12/31，2008.04.04",
		"补助 12000.50 元，面积 120.5 平方米，共 3 人",
		"19991399 20081232 30080404 12345678",
		"sha 1381234567890abc",
		"5206************1X *******5678 2008****",
		"",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		scrubs_to(same[i], same[i]);
}

static void scrub_on_json_reads_full_width_too(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:s}", "note", "身份证５２２２２９２００８０４０４００１０");
	privacy_present(ROLE_ARCHIVIST, o);
	assert_string_equal(json_string_value(json_object_get(o, "note")), "身份证5222************10");
	json_decref(o);
}

static json_t *person(void)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}]}",
			 "id_number", ID, "name", "龙志军", "birth_date", "1985-03-04", "age", 41,
			 "phone", "13812348000", "note", "旧号 520628850304121",
			 "events", "kind", "birth", "date", "1985-03-04", "kind", "move_in", "date",
			 "2020-01-02");
}

static void present_hides_what_rebuilds_the_number(void **state)
{
	(void)state;
	json_t *p = person();
	json_t *wrapped = json_pack("{s:[o], s:{s:s, s:s}}", "items", p, "other", "birth_date",
				    "1990-01-02", "responsible_phone", "13900001111");
	privacy_present(ROLE_VOLUNTEER, wrapped);
	char *s = json_dumps(wrapped, JSON_SORT_KEYS);
	assert_non_null(s);
	assert_null(strstr(s, ID));
	assert_null(strstr(s, "13812348000"));
	assert_null(strstr(s, "1985-03-04"));
	assert_null(strstr(s, "0304"));
	assert_null(strstr(s, "1990-01-02"));
	assert_null(strstr(s, "13900001111"));
	assert_string_equal(json_string_value(json_object_get(p, "id_number")), "5206************1X");
	assert_string_equal(json_string_value(json_object_get(p, "phone")), "*******8000");
	assert_null(json_object_get(p, "birth_date"));
	assert_int_equal(json_integer_value(json_object_get(p, "age")), 41);
	json_t *birth = json_array_get(json_object_get(p, "events"), 0);
	assert_string_equal(json_string_value(json_object_get(birth, "date")), "1985");
	json_t *move = json_array_get(json_object_get(p, "events"), 1);
	assert_string_equal(json_string_value(json_object_get(move, "date")), "2020-01-02");
	json_t *other = json_object_get(wrapped, "other");
	assert_int_equal(json_integer_value(json_object_get(other, "birth_year")), 1990);
	/* twice is once */
	json_t *again = json_deep_copy(wrapped);
	privacy_present(ROLE_AUDITOR, again);
	assert_true(json_equal(again, wrapped));
	json_decref(again);
	free(s);
	json_decref(wrapped);
}

static void present_leaves_registrars_alone(void **state)
{
	(void)state;
	const enum role whole[] = {ROLE_ADMIN, ROLE_COUNTY, ROLE_TOWN, ROLE_COMMUNITY};
	const enum role masked[] = {ROLE_VOLUNTEER, ROLE_ARCHIVIST, ROLE_AUDITOR};
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		json_t *p = person(), *copy = json_deep_copy(p);
		assert_true(privacy_full_identity(whole[i]));
		privacy_present(whole[i], p);
		assert_true(json_equal(p, copy));
		json_decref(p);
		json_decref(copy);
	}
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		json_t *p = person(), *copy = json_deep_copy(p);
		assert_false(privacy_full_identity(masked[i]));
		privacy_present(masked[i], p);
		assert_false(json_equal(p, copy));
		json_decref(p);
		json_decref(copy);
	}
}

static void birth_date_under_another_key(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:s}", "detail", "1960-05-04");
	privacy_present_birth_date(ROLE_ADMIN, o, "detail");
	assert_string_equal(json_string_value(json_object_get(o, "detail")), "1960-05-04");
	privacy_present_birth_date(ROLE_ARCHIVIST, o, "detail");
	assert_string_equal(json_string_value(json_object_get(o, "detail")), "1960");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masks_keep_four_and_two_or_last_four),
		cmocka_unit_test(scrub_masks_numbers_standing_alone),
		cmocka_unit_test(scrub_reads_spaced_dashed_and_full_width_numbers),
		cmocka_unit_test(scrub_leaves_other_numbers_alone),
		cmocka_unit_test(scrub_on_json_reads_full_width_too),
		cmocka_unit_test(present_hides_what_rebuilds_the_number),
		cmocka_unit_test(present_leaves_registrars_alone),
		cmocka_unit_test(birth_date_under_another_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
