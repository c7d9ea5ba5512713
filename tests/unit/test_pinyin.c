/* Unit tests for core/pinyin.c, core/utf8.c and core/msg.c. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/msg.h"
#include "core/pinyin.h"
#include "core/utf8.h"

static void readings_come_from_unihan(void **state)
{
	(void)state;
	assert_true(pinyin_table_len > 20000);
	assert_string_equal(pinyin_of(0x5F20), "zhang");	/* 张 */
	assert_string_equal(pinyin_of(0x4F1F), "wei");		/* 伟 */
	assert_string_equal(pinyin_of(0x5415), "lv");		/* 吕: ü written v */
	assert_null(pinyin_of('A'));
}

static void initials_and_full_reading(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	pinyin_initials("张伟", &b);
	assert_string_equal(b.data, "zw");
	buf_reset(&b);
	pinyin_initials("龙 小-云2", &b);
	assert_string_equal(b.data, "lxy2");
	buf_reset(&b);
	pinyin_full("麻秀英", &b);
	assert_string_equal(b.data, "maxiuying");
	buf_release(&b);
}

static void utf8_is_strict(void **state)
{
	(void)state;
	assert_true(utf8_valid("团山社区", strlen("团山社区")));
	assert_false(utf8_valid("\xC0\xAF", 2));		/* overlong '/' */
	assert_false(utf8_valid("\xED\xA0\x80", 3));		/* surrogate */
	assert_false(utf8_valid("\xE5\x9B", 2));		/* truncated */
	assert_false(utf8_valid("a\0b", 3));			/* NUL */
	assert_true(utf8_has_control("a\tb"));
	assert_false(utf8_has_control("张伟"));
	assert_int_equal(utf8_length("张伟ab"), 4);
	assert_true(utf8_is_cjk(0x5F20));
	assert_false(utf8_is_cjk('z'));
}

static void catalogues_and_languages(void **state)
{
	(void)state;
	assert_true(msg_has("required"));
	assert_string_equal(msg_get(LANG_ZH, "required"), "此项必填。");
	assert_string_equal(msg_get(LANG_EN, "required"), "This field is required.");
	assert_string_equal(msg_get(LANG_EN, "no-such-key"), "no-such-key");
	assert_int_equal(msg_lang_from_header(NULL), LANG_ZH);
	assert_int_equal(msg_lang_from_header("en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(msg_lang_from_header("zh-CN,zh;q=0.9,en;q=0.8"), LANG_ZH);
	assert_int_equal(msg_lang_from_header("fr, en;q=0.5"), LANG_EN);
	assert_int_equal(msg_lang_from_header("zh;q=0, en"), LANG_EN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readings_come_from_unihan),
		cmocka_unit_test(initials_and_full_reading),
		cmocka_unit_test(utf8_is_strict),
		cmocka_unit_test(catalogues_and_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
