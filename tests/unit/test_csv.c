/* Unit tests for core/csv.c, the RFC 4180 reader: quoting, line ends, line numbers, the
 * field limit, malformed records, and a round trip through the CSV writer (core/sheet.c:
 * quoting, formula neutralisation, the byte-order mark, which the reader skips). */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "core/csv.h"
#include "core/sheet.h"

#define MAXF 8

struct reading {
	struct arena arena;
	struct csv_reader r;
	char *f[MAXF];
};

static void start(struct reading *rd, const char *data, size_t len)
{
	arena_init(&rd->arena, 0);
	csv_init(&rd->r, data, len);
}

static void stop(struct reading *rd) { arena_release(&rd->arena); }

/* Reads one record of the C string `data` expecting the fields given, then the end. */
static void reads_one(const char *data, int n, const char *const *want)
{
	struct reading rd;
	start(&rd, data, strlen(data));
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(rd.f[i], want[i]);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);
	stop(&rd);
}

static void plain_and_quoted_fields(void **state)
{
	(void)state;
	reads_one("a,b,c", 3, (const char *[]){"a", "b", "c"});
	reads_one("a,b,c\r\n", 3, (const char *[]){"a", "b", "c"});
	reads_one("\"a,b\",c", 2, (const char *[]){"a,b", "c"});
	reads_one("\"say \"\"hi\"\"\",x", 2, (const char *[]){"say \"hi\"", "x"});
	reads_one("\"\"", 1, (const char *[]){""});
	reads_one("\"\"\"\"", 1, (const char *[]){"\""});
	reads_one("\"two\r\nlines\",z\n", 2, (const char *[]){"two\r\nlines", "z"});
	reads_one("张伟,\"李,芳\"", 2, (const char *[]){"张伟", "李,芳"});
	/* empty fields at either end and between */
	reads_one(",", 2, (const char *[]){"", ""});
	reads_one(",a,", 3, (const char *[]){"", "a", ""});
	/* a quote inside an unquoted field is text (lenient, as spreadsheets are) */
	reads_one("5\"2,x", 2, (const char *[]){"5\"2", "x"});
	/* spaces are data, not trimmed */
	reads_one(" a , b ", 2, (const char *[]){" a ", " b "});
}

static void records_and_line_numbers(void **state)
{
	(void)state;
	const char *data = "h1,h2\r\n\"multi\nline\",2\nlast,3";
	struct reading rd;
	start(&rd, data, strlen(data));
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 2);
	assert_int_equal(rd.r.line, 1);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 2);
	assert_string_equal(rd.f[0], "multi\nline");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 2);
	assert_string_equal(rd.f[0], "last");
	assert_string_equal(rd.f[1], "3");
	assert_int_equal(rd.r.line, 4);	/* the line break inside quotes counted */
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);	/* the end stays the end */
	stop(&rd);

	/* empty input: no record at all */
	start(&rd, "", 0);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);
	stop(&rd);

	/* a bare CR ends a record too */
	start(&rd, "a\rb", 3);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 1);
	assert_string_equal(rd.f[0], "a");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 1);
	assert_string_equal(rd.f[0], "b");
	stop(&rd);
}

static void len_bounds_the_input(void **state)
{
	(void)state;
	/* the reader must not look past len: no NUL terminator is assumed */
	const char data[] = {'a', ',', '"', 'b', '"'};
	struct reading rd;
	start(&rd, data, sizeof(data));
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 2);
	assert_string_equal(rd.f[1], "b");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);
	stop(&rd);
	/* a quoted field cut by len is unterminated */
	start(&rd, "\"abc\"", 4);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), -1);
	stop(&rd);
}

static void malformed_records_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {
		"\"unterminated",
		"a,\"unterminated\nstill",
		"\"closed\"junk,b",
		"\"closed\" ,b",
		"\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct reading rd;
		start(&rd, bad[i], strlen(bad[i]));
		assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), -1);
		stop(&rd);
	}
}

static void field_count_limit_is_exact(void **state)
{
	(void)state;
	struct reading rd;
	char *f[3];
	start(&rd, "1,2,3\n1,2,3,4\n", 14);
	assert_int_equal(csv_next(&rd.r, &rd.arena, f, 3), 3);	/* exactly max: fine */
	assert_int_equal(csv_next(&rd.r, &rd.arena, f, 3), -1);	/* one more: refused */
	stop(&rd);
	start(&rd, "1,2,3,", 6);	/* a trailing comma is a fourth, empty field */
	assert_int_equal(csv_next(&rd.r, &rd.arena, f, 3), -1);
	stop(&rd);
}

static void a_long_field_is_read_whole(void **state)
{
	(void)state;
	enum { N = 200000 };
	static char data[N + 3];
	data[0] = '"';
	memset(data + 1, 'x', N);
	data[N + 1] = '"';
	struct reading rd;
	start(&rd, data, N + 2);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 1);
	assert_int_equal(strlen(rd.f[0]), N);
	stop(&rd);
	/* past the arena's cap the record is refused, not cut */
	struct arena small;
	struct csv_reader r;
	arena_init(&small, 4096);
	csv_init(&r, data, N + 2);
	assert_int_equal(csv_next(&r, &small, rd.f, MAXF), -1);
	arena_release(&small);
}

/* A NUL byte inside a field does not throw the reader off the following fields. */
static void nul_byte_does_not_derail_the_record(void **state)
{
	(void)state;
	const char data[] = "a\0b,c\nd";
	struct reading rd;
	start(&rd, data, sizeof(data) - 1);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 2);
	assert_string_equal(rd.f[1], "c");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 1);
	assert_string_equal(rd.f[0], "d");
	stop(&rd);
}

/* What the writer quotes, the reader reads back as it was, after the byte-order mark;
 * text a spreadsheet would take for a formula comes back with its apostrophe. */
static void writer_output_reads_back(void **state)
{
	(void)state;
	json_t *cols = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "key", "a", "label",
				 "名字, 全称", "key", "b", "label", "=label", "key", "c", "label", "c");
	json_t *rows = json_pack("[{s:s, s:s, s:i}, {s:s, s:s, s:f}, {s:s, s:n, s:s}]",
				 "a", "say \"hi\"\r\nbye", "b", "=SUM(A1:A9)", "c", -3,
				 "a", "", "b", "@cmd", "c", -3.5,
				 "a", "plain", "b", "c", "+1");
	struct buf out = BUF_INIT;
	sheet_csv_head(cols, &out);
	sheet_csv_rows(cols, rows, &out);
	assert_memory_equal(out.data, "\xEF\xBB\xBF", 3);

	struct reading rd;
	start(&rd, out.data + 3, out.len - 3);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 3);
	assert_string_equal(rd.f[0], "名字, 全称");
	assert_string_equal(rd.f[1], "'=label");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 3);
	assert_string_equal(rd.f[0], "say \"hi\"\r\nbye");
	assert_string_equal(rd.f[1], "'=SUM(A1:A9)");
	assert_string_equal(rd.f[2], "-3");	/* a number stays a number */
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 3);
	assert_string_equal(rd.f[0], "");
	assert_string_equal(rd.f[1], "'@cmd");
	assert_string_equal(rd.f[2], "-3.50");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 3);
	assert_string_equal(rd.f[1], "");	/* null is empty */
	assert_string_equal(rd.f[2], "'+1");
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);
	stop(&rd);

	/* The reader skips the byte-order mark: read as text it would join the first field
	 * and leave its quotes in the middle of a field, splitting it at its comma. */
	start(&rd, out.data, out.len);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 3);
	assert_string_equal(rd.f[0], "名字, 全称");
	assert_int_equal(rd.r.line, 1);
	stop(&rd);
	/* only at the very start, and only the whole mark */
	start(&rd, "a,\xEF\xBB\xBF" "b", 6);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 2);
	assert_string_equal(rd.f[1], "\xEF\xBB\xBF" "b");
	stop(&rd);
	start(&rd, "\xEF\xBB", 2);
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 1);
	assert_string_equal(rd.f[0], "\xEF\xBB");
	stop(&rd);
	start(&rd, "\xEF\xBB\xBF", 3);	/* a mark alone: an empty file */
	assert_int_equal(csv_next(&rd.r, &rd.arena, rd.f, MAXF), 0);
	stop(&rd);
	buf_release(&out);
	json_decref(cols);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_quoted_fields),
		cmocka_unit_test(records_and_line_numbers),
		cmocka_unit_test(len_bounds_the_input),
		cmocka_unit_test(malformed_records_are_refused),
		cmocka_unit_test(field_count_limit_is_exact),
		cmocka_unit_test(a_long_field_is_read_whole),
		cmocka_unit_test(nul_byte_does_not_derail_the_record),
		cmocka_unit_test(writer_output_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
