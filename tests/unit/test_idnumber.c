/* Unit tests for core/idnumber.c: every published vector in tests/data must pass. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/idnumber.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	const char *dir = getenv("ANJU_TEST_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return data;
}

static void published_vectors_pass(void **state)
{
	size_t len;
	char *data = slurp("vectors.csv", &len), *fields[4];
	struct csv_reader r;
	struct arena a;
	int n, count = 0;
	(void)state;
	arena_init(&a, 0);
	csv_init(&r, data, len);
	csv_next(&r, &a, fields, 4);
	while ((n = csv_next(&r, &a, fields, 4)) > 0) {
		struct idnumber idn;
		enum idnumber_error e = idnumber_parse(fields[0], date_today(), &idn);
		int expect = strcmp(fields[1], "true") == 0;
		if ((e == IDNUMBER_OK) != expect)
			fail_msg("%s: expected %s, got %s (%s)", fields[0], fields[1],
				 idnumber_error_key(e), fields[3]);
		count++;
	}
	assert_int_equal(count, 43);
	arena_release(&a);
	free(data);
}

static void fifteen_digit_numbers_upgrade(void **state)
{
	size_t len;
	char *data = slurp("conversions_15_to_18.csv", &len), *fields[3];
	struct csv_reader r;
	struct arena a;
	int count = 0;
	(void)state;
	arena_init(&a, 0);
	csv_init(&r, data, len);
	csv_next(&r, &a, fields, 3);
	while (csv_next(&r, &a, fields, 3) > 0) {
		struct idnumber idn;
		assert_int_equal(idnumber_parse(fields[0], date_today(), &idn), IDNUMBER_OK);
		assert_string_equal(idn.number, fields[1]);
		assert_true(idn.upgraded);
		count++;
	}
	assert_int_equal(count, 3);
	arena_release(&a);
	free(data);
}

static void derives_birth_date_and_gender(void **state)
{
	struct idnumber idn;
	(void)state;
	assert_int_equal(idnumber_parse("11010519491231002x", date_today(), &idn), IDNUMBER_OK);
	assert_string_equal(idn.number, "11010519491231002X");
	assert_string_equal(idn.birth_date, "1949-12-31");
	assert_int_equal(idn.male, 0);
	assert_int_equal(idnumber_parse("440524188001010014", date_today(), &idn), IDNUMBER_OK);
	assert_int_equal(idn.male, 1);
}

static void songtao_old_and_new_codes(void **state)
{
	struct idnumber idn;
	char n[19];
	(void)state;
	memcpy(n, "52062820150530002", 17);
	n[17] = idnumber_check_char(n);
	n[18] = '\0';
	assert_int_equal(idnumber_parse(n, date_today(), &idn), IDNUMBER_OK);
	memcpy(n, "52222919570312001", 17);
	n[17] = idnumber_check_char(n);
	assert_int_equal(idnumber_parse(n, date_today(), &idn), IDNUMBER_OK);
	n[17] = n[17] == '0' ? '1' : '0';
	assert_int_equal(idnumber_parse(n, date_today(), &idn), IDNUMBER_CHECK);
}

static void rejects_future_and_malformed(void **state)
{
	struct idnumber idn;
	(void)state;
	assert_int_equal(idnumber_parse("52062820991231001X", date_today(), &idn), IDNUMBER_DATE);
	assert_int_equal(idnumber_parse("", date_today(), &idn), IDNUMBER_LENGTH);
	assert_int_equal(idnumber_parse("5206282015053000２", date_today(), &idn), IDNUMBER_LENGTH);
	assert_int_equal(idnumber_parse("52062820150530002 ", date_today(), &idn), IDNUMBER_CHARACTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(published_vectors_pass),
		cmocka_unit_test(fifteen_digit_numbers_upgrade),
		cmocka_unit_test(derives_birth_date_and_gender),
		cmocka_unit_test(songtao_old_and_new_codes),
		cmocka_unit_test(rejects_future_and_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
