/* Unit tests for core/rowread.c: CSV in UTF-8 (with and without BOM) and GB18030, records
 * across read boundaries, blank rows, malformed CSV; XLSX with inline and shared strings,
 * numbers, dates, booleans, formulas, several sheets, hidden sheets and merged ranges; and
 * what is refused: not a table, an encrypted workbook, an old .xls, a damaged ZIP, a file
 * over the size limit. Workbooks come from tests/data/import (make-fixtures.py). */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rowread.h"

static char tmpl[64];

static const char *write_tmp(const void *data, size_t n)
{
	snprintf(tmpl, sizeof(tmpl), "/tmp/anju-rowread-XXXXXX");
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return tmpl;
}

static const char *fixture(const char *name)
{
	static char path[512];
	const char *dir = getenv("ANJU_TEST_DATA");
	snprintf(path, sizeof(path), "%s/import/%s", dir ? dir : "tests/data", name);
	return path;
}

static struct rowread *open_ok(const char *path)
{
	enum rowread_status st;
	struct rowread *r = rowread_open(path, 0, &st);
	assert_int_equal(st, ROWREAD_OK);
	assert_non_null(r);
	return r;
}

static void utf8_csv_with_bom(void **state)
{
	(void)state;
	const char data[] = "\xEF\xBB\xBF姓名,身份证号\r\n张三,\"52062819900101123X\"\r\n\r\n"
			    "\"李,四\",\"say \"\"hi\"\"\nthere\"\n";
	struct rowread *r = open_ok(write_tmp(data, sizeof(data) - 1));
	struct rowread_row row;
	assert_string_equal(rowread_format(r), "csv");
	assert_string_equal(rowread_encoding(r), "UTF-8 with BOM");
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 1);
	assert_int_equal(row.ncells, 2);
	assert_string_equal(row.cells[0].text, "姓名");
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 2);
	assert_string_equal(row.cells[1].text, "52062819900101123X");
	assert_int_equal(row.cells[1].kind, ROWREAD_TEXT);
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 4);	/* the blank line 3 skipped, counted */
	assert_string_equal(row.cells[0].text, "李,四");
	assert_string_equal(row.cells[1].text, "say \"hi\"\nthere");
	assert_int_equal(rowread_next(r, &row), ROWREAD_END);
	assert_int_equal(rowread_blank_rows(r), 1);
	rowread_close(r);
	unlink(tmpl);
}

static void gb18030_csv_is_detected_and_converted(void **state)
{
	(void)state;
	/* "姓名,民族\n张三,苗族\n" in GB18030 */
	const char data[] = "\xD0\xD5\xC3\xFB,\xC3\xF1\xD7\xE5\n\xD5\xC5\xC8\xFD,\xC3\xE7\xD7\xE5\n";
	struct rowread *r = open_ok(write_tmp(data, sizeof(data) - 1));
	struct rowread_row row;
	assert_string_equal(rowread_encoding(r), "GB18030");
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_string_equal(row.cells[0].text, "姓名");
	assert_string_equal(row.cells[1].text, "民族");
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_string_equal(row.cells[0].text, "张三");
	assert_string_equal(row.cells[1].text, "苗族");
	assert_int_equal(rowread_next(r, &row), ROWREAD_END);
	rowread_close(r);
	unlink(tmpl);
}

/* Rows and a quoted field with a line break that straddle the reader's 64 KiB reads. */
static void large_csv_across_reads(void **state)
{
	(void)state;
	size_t cap = 600000, n = 0;
	char *data = malloc(cap);
	n += (size_t)snprintf(data + n, cap - n, "name,note\n");
	int rows = 0;
	while (n < 500000) {
		n += (size_t)snprintf(data + n, cap - n, "名字%d,\"line one\nline two, %d\"\n", rows, rows);
		rows++;
	}
	struct rowread *r = open_ok(write_tmp(data, n));
	struct rowread_row row;
	assert_string_equal(rowread_encoding(r), "UTF-8");
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	for (int i = 0; i < rows; i++) {
		char want[64];
		assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
		snprintf(want, sizeof(want), "名字%d", i);
		assert_string_equal(row.cells[0].text, want);
		snprintf(want, sizeof(want), "line one\nline two, %d", i);
		assert_string_equal(row.cells[1].text, want);
		assert_int_equal(row.number, 2 + 2 * i);	/* each record spans two lines */
	}
	assert_int_equal(rowread_next(r, &row), ROWREAD_END);
	rowread_close(r);
	free(data);
	unlink(tmpl);
}

static void malformed_csv_says_where(void **state)
{
	(void)state;
	const char data[] = "a,b\nc,\"d\"x\n";
	struct rowread *r = open_ok(write_tmp(data, sizeof(data) - 1));
	struct rowread_row row;
	int sheet;
	long line;
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(rowread_next(r, &row), ROWREAD_BAD_CSV);
	rowread_where(r, &sheet, &line);
	assert_int_equal(line, 2);
	assert_int_equal(rowread_next(r, &row), ROWREAD_BAD_CSV);	/* sticky */
	rowread_close(r);
	unlink(tmpl);

	const char open_quote[] = "a,\"never closed\n";
	r = open_ok(write_tmp(open_quote, sizeof(open_quote) - 1));
	assert_int_equal(rowread_next(r, &row), ROWREAD_BAD_CSV);
	rowread_close(r);
	unlink(tmpl);
}

static void xlsx_cells_sheets_and_findings(void **state)
{
	(void)state;
	struct rowread *r = open_ok(fixture("mixed.xlsx"));
	struct rowread_row row;
	assert_string_equal(rowread_format(r), "xlsx");
	assert_int_equal(rowread_sheet_count(r), 3);
	assert_string_equal(rowread_sheet(r, 0)->name, "住户");
	assert_false(rowread_sheet(r, 0)->hidden);
	assert_true(rowread_sheet(r, 2)->hidden);
	assert_false(rowread_date1904(r));

	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.sheet, 0);
	assert_int_equal(row.number, 1);
	assert_int_equal(row.ncells, 5);
	assert_string_equal(row.cells[1].text, "身份证号");

	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 2);
	assert_string_equal(row.cells[0].text, "张三");
	assert_int_equal(row.cells[1].kind, ROWREAD_NUMBER);	/* the rounded ID number */
	assert_non_null(strstr(row.cells[1].text, "e+17"));
	assert_int_equal(row.cells[2].kind, ROWREAD_DATE);
	assert_string_equal(row.cells[2].text, "43586");	/* 2019-05-01 */
	assert_int_equal(row.cells[3].kind, ROWREAD_NUMBER);
	assert_string_equal(row.cells[3].text, "4");
	assert_int_equal(row.cells[4].kind, ROWREAD_BOOL);
	assert_string_equal(row.cells[4].text, "TRUE");

	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 4);	/* row 3 was never written: nothing to skip */
	assert_int_equal(row.ncells, 4);
	assert_int_equal(row.cells[2].kind, ROWREAD_EMPTY);
	assert_true(row.cells[3].formula);

	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.sheet, 1);
	assert_string_equal(row.sheet_name, "第二页");
	assert_string_equal(row.cells[0].text, "合并");
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 2);
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.sheet, 2);
	assert_string_equal(row.cells[0].text, "secret");
	assert_int_equal(rowread_next(r, &row), ROWREAD_END);
	assert_int_equal(rowread_sheet(r, 1)->merged, 1);
	assert_string_equal(rowread_sheet(r, 1)->first_merged, "A1:B1");
	assert_int_equal(rowread_sheet(r, 0)->merged, 0);
	rowread_close(r);
}

static void xlsx_shared_strings(void **state)
{
	(void)state;
	struct rowread *r = open_ok(fixture("shared.xlsx"));
	struct rowread_row row;
	assert_int_equal(rowread_sheet_count(r), 1);
	assert_true(rowread_date1904(r));
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 1);
	assert_string_equal(row.cells[0].text, "户主姓名");	/* the phonetic run left out */
	assert_string_equal(row.cells[1].text, "身份证号");	/* two runs joined */
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(row.number, 5);
	assert_int_equal(row.ncells, 3);
	assert_int_equal(row.cells[0].kind, ROWREAD_EMPTY);
	assert_string_equal(row.cells[1].text, " 王五 ");
	assert_int_equal(row.cells[2].kind, ROWREAD_NUMBER);	/* no styles.xml: not a date */
	assert_string_equal(row.cells[2].text, "42.5");
	assert_int_equal(rowread_next(r, &row), ROWREAD_END);
	rowread_close(r);
}

static void refuses(const void *data, size_t n, long long max, enum rowread_status want)
{
	enum rowread_status st;
	struct rowread *r = rowread_open(write_tmp(data, n), max, &st);
	assert_null(r);
	assert_int_equal(st, want);
	unlink(tmpl);
}

static void what_is_not_a_table(void **state)
{
	(void)state;
	const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	refuses(png, sizeof(png) - 1, 0, ROWREAD_NOT_TABLE);

	char ole[1024] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
	refuses(ole, sizeof(ole), 0, ROWREAD_OLD_XLS);
	const char *name = "EncryptionInfo";
	for (size_t i = 0; name[i]; i++)
		ole[600 + 2 * i] = name[i];
	refuses(ole, sizeof(ole), 0, ROWREAD_ENCRYPTED);

	const char broken[] = "PK\x03\x04 this is no zip at all";
	refuses(broken, sizeof(broken) - 1, 0, ROWREAD_CORRUPT);

	const char csv[] = "a,b\n1,2\n";
	refuses(csv, sizeof(csv) - 1, 4, ROWREAD_TOO_LARGE);
}

static void column_names(void **state)
{
	(void)state;
	char n[8];
	rowread_column_name(0, n);
	assert_string_equal(n, "A");
	rowread_column_name(25, n);
	assert_string_equal(n, "Z");
	rowread_column_name(27, n);
	assert_string_equal(n, "AB");
	rowread_column_name(701, n);
	assert_string_equal(n, "ZZ");
	rowread_column_name(702, n);
	assert_string_equal(n, "AAA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_csv_with_bom),
		cmocka_unit_test(gb18030_csv_is_detected_and_converted),
		cmocka_unit_test(large_csv_across_reads),
		cmocka_unit_test(malformed_csv_says_where),
		cmocka_unit_test(xlsx_cells_sheets_and_findings),
		cmocka_unit_test(xlsx_shared_strings),
		cmocka_unit_test(what_is_not_a_table),
		cmocka_unit_test(column_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
