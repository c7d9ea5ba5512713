/* Unit tests for core/rowpipe.c: for CSV (UTF-8, GB18030, blank rows, records across
 * reads, wide rows, 0 rows, an error on the first row and in the middle) and XLSX (several sheets,
 * hidden, merged ranges, shared strings) the pipe gives the rows, statuses, positions and
 * findings rowread gives, with tiny batches and the default ones; what it says mid-file is
 * what the reader said when the batch was closed; and closing early, also while the
 * producer waits on a full ring, stops it at once. Run under ASan and TSan. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/rowpipe.h"

static char tmpl[64];

static const char *write_tmp(const void *data, size_t n)
{
	snprintf(tmpl, sizeof(tmpl), "/tmp/anju-rowpipe-XXXXXX");
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

static const struct rowpipe_shape shapes[] = {
	{1, 1}, {1, 2}, {3, 2}, {0, 0},	/* 0: the defaults */
};

/* Reads path with rowread and with a pipe of the given shape, side by side: the same rows,
 * the same last status (sticky), the same position and findings. Returns the rows read. */
static long same_as_rowread(const char *path, const struct rowpipe_shape *shape,
			    enum rowread_status want_end)
{
	enum rowread_status st1, st2;
	struct rowread *r = rowread_open(path, 0, &st1);
	struct rowpipe *p = rowpipe_open(path, 0, shape, &st2);
	assert_int_equal(st1, ROWREAD_OK);
	assert_int_equal(st2, ROWREAD_OK);
	assert_string_equal(rowpipe_format(p), rowread_format(r));
	assert_string_equal(rowpipe_encoding(p), rowread_encoding(r));
	assert_int_equal(rowpipe_date1904(p), rowread_date1904(r));
	assert_int_equal(rowpipe_sheet_count(p), rowread_sheet_count(r));
	for (int i = 0; i < rowread_sheet_count(r); i++) {
		assert_string_equal(rowpipe_sheet(p, i)->name, rowread_sheet(r, i)->name);
		assert_int_equal(rowpipe_sheet(p, i)->hidden, rowread_sheet(r, i)->hidden);
	}
	assert_null(rowpipe_sheet(p, rowread_sheet_count(r)));
	long n = 0;
	struct rowread_row a, b;
	for (;;) {
		st1 = rowread_next(r, &a);
		st2 = rowpipe_next(p, &b);
		assert_int_equal(st2, st1);
		if (st1 != ROWREAD_OK)
			break;
		n++;
		assert_int_equal(b.sheet, a.sheet);
		assert_string_equal(b.sheet_name, a.sheet_name);
		assert_int_equal(b.number, a.number);
		assert_int_equal(b.ncells, a.ncells);
		for (int c = 0; c < a.ncells; c++) {
			assert_int_equal(b.cells[c].kind, a.cells[c].kind);
			assert_string_equal(b.cells[c].text, a.cells[c].text);
			assert_int_equal(b.cells[c].formula, a.cells[c].formula);
		}
	}
	assert_int_equal(st1, want_end);
	assert_int_equal(rowpipe_next(p, &b), st1);	/* sticky */
	assert_int_equal(rowpipe_next(p, &b), st1);
	if (st1 != ROWREAD_END) {
		int s1, s2;
		long w1, w2;
		rowread_where(r, &s1, &w1);
		rowpipe_where(p, &s2, &w2);
		assert_int_equal(s2, s1);
		assert_int_equal(w2, w1);
	}
	assert_int_equal(rowpipe_blank_rows(p), rowread_blank_rows(r));
	for (int i = 0; i < rowread_sheet_count(r); i++) {
		assert_int_equal(rowpipe_sheet(p, i)->merged, rowread_sheet(r, i)->merged);
		assert_string_equal(rowpipe_sheet(p, i)->first_merged,
				    rowread_sheet(r, i)->first_merged);
	}
	rowpipe_close(p);
	rowread_close(r);
	return n;
}

static void same_for_every_shape(const char *path, enum rowread_status want_end, long want_rows)
{
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++)
		assert_int_equal(same_as_rowread(path, &shapes[k], want_end), want_rows);
	assert_int_equal(same_as_rowread(path, NULL, want_end), want_rows);
}

static void csv_small(void **state)
{
	(void)state;
	const char bom[] = "\xEF\xBB\xBF姓名,身份证号\r\n张三,\"52062819900101123X\"\r\n\r\n"
			   ",\n\"李,四\",\"say \"\"hi\"\"\nthere\"\n";
	same_for_every_shape(write_tmp(bom, sizeof(bom) - 1), ROWREAD_END, 3);
	unlink(tmpl);
	/* "姓名,民族\n张三,苗族\n" in GB18030 */
	const char gb[] = "\xD0\xD5\xC3\xFB,\xC3\xF1\xD7\xE5\n\xD5\xC5\xC8\xFD,\xC3\xE7\xD7\xE5\n";
	same_for_every_shape(write_tmp(gb, sizeof(gb) - 1), ROWREAD_END, 2);
	unlink(tmpl);
}

static void csv_of_no_rows(void **state)
{
	(void)state;
	same_for_every_shape(write_tmp("", 0), ROWREAD_END, 0);
	unlink(tmpl);
	same_for_every_shape(write_tmp("\n,,\n\r\n", 6), ROWREAD_END, 0);	/* blank rows only */
	unlink(tmpl);
}

static void csv_errors_first_and_mid_file(void **state)
{
	(void)state;
	const char first[] = "a,\"never closed\n";
	same_for_every_shape(write_tmp(first, sizeof(first) - 1), ROWREAD_BAD_CSV, 0);
	unlink(tmpl);
	/* 5,000 good rows, then text after a closing quote on line 5,002 */
	size_t cap = 200000, n = 0;
	char *data = malloc(cap);
	n += (size_t)snprintf(data + n, cap - n, "name,note\n");
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(data + n, cap - n, "名字%d,%d\n", i, i);
	n += (size_t)snprintf(data + n, cap - n, "c,\"d\"x\nmore,rows\n");
	same_for_every_shape(write_tmp(data, n), ROWREAD_BAD_CSV, 5001);
	unlink(tmpl);
	/* bytes that are not GB18030 text after good GB18030 rows */
	n = 0;
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(data + n, cap - n, "\xD5\xC5\xC8\xFD,%d\n", i);
	n += (size_t)snprintf(data + n, cap - n, "\xD5\xC5\xC8\xFD,\x81\x20\n");
	enum rowread_status st;
	struct rowread *r = rowread_open(write_tmp(data, n), 0, &st);
	struct rowread_row row;
	long good = 0;
	while ((st = rowread_next(r, &row)) == ROWREAD_OK)
		good++;
	rowread_close(r);
	assert_int_not_equal(st, ROWREAD_END);	/* the reader refuses it: so must the pipe */
	same_for_every_shape(tmpl, st, good);
	unlink(tmpl);
	free(data);
}

/* Rows and quoted line breaks across the reader's 64 KiB reads and many batches. */
static void csv_large(void **state)
{
	(void)state;
	size_t cap = 1200000, n = 0;
	char *data = malloc(cap);
	n += (size_t)snprintf(data + n, cap - n, "name,note\n");
	long rows = 1;
	while (n < 1000000) {
		n += (size_t)snprintf(data + n, cap - n, "名字%ld,\"line one\nline two, %ld\"\n%s",
				      rows, rows, rows % 97 ? "" : ",,\n");
		rows++;
	}
	same_for_every_shape(write_tmp(data, n), ROWREAD_END, rows);
	unlink(tmpl);
	free(data);
}

/* Wide rows: batches closed by their cells (40 a row) or their text (8 KiB a row) before
 * their rows, as the same rows one by one. */
static void csv_wide(void **state)
{
	(void)state;
	size_t cap = 4000000, n = 0;
	char *data = malloc(cap);
	for (int i = 0; i < 5000; i++)
		for (int c = 0; c < 40; c++)
			n += (size_t)snprintf(data + n, cap - n, "%d%c", i + c, c == 39 ? '\n' : ',');
	same_for_every_shape(write_tmp(data, n), ROWREAD_END, 5000);
	unlink(tmpl);
	n = 0;
	for (int i = 0; i < 300; i++)
		for (int c = 0; c < 40; c++)
			n += (size_t)snprintf(data + n, cap - n, "%0200d%c", i * c, c == 39 ? '\n' : ',');
	same_for_every_shape(write_tmp(data, n), ROWREAD_END, 300);
	unlink(tmpl);
	free(data);
}

static void xlsx_sheets_and_findings(void **state)
{
	(void)state;
	same_for_every_shape(fixture("mixed.xlsx"), ROWREAD_END, 6);
	long rows = same_as_rowread(fixture("shared.xlsx"), NULL, ROWREAD_END);
	assert_true(rows > 0);
	same_for_every_shape(fixture("shared.xlsx"), ROWREAD_END, rows);
}

/* Merged ranges are known once the reader has passed a sheet: mid-file, the pipe says what
 * the reader said when it closed the batch being read (what rowread would say at that
 * row), not what the producer knows by now. */
static void xlsx_findings_follow_the_batches(void **state)
{
	(void)state;
	enum rowread_status st;
	struct rowpipe *p = rowpipe_open(fixture("mixed.xlsx"), 0, &(struct rowpipe_shape){1, 2},
					 &st);
	assert_int_equal(st, ROWREAD_OK);
	struct rowread_row row;
	int last_of_sheet1 = 0, on_sheet2 = 0;
	while (rowpipe_next(p, &row) == ROWREAD_OK) {
		if (row.sheet == 1 && row.number == 2) {
			usleep(100000);	/* the producer reads on into sheet 2, past the merges */
			assert_int_equal(rowpipe_sheet(p, 1)->merged, 0);
			last_of_sheet1++;
		}
		if (row.sheet == 2) {
			assert_int_equal(rowpipe_sheet(p, 1)->merged, 1);
			assert_string_equal(rowpipe_sheet(p, 1)->first_merged, "A1:B1");
			on_sheet2++;
		}
	}
	assert_int_equal(last_of_sheet1, 1);
	assert_int_equal(on_sheet2, 1);
	assert_int_equal(rowpipe_sheet(p, 1)->merged, 1);
	assert_int_equal(rowpipe_sheet(p, 0)->merged, 0);
	rowpipe_close(p);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The caller stops early: before any row, after one row with the producer waiting on a
 * full ring, in the middle of a batch. Close returns at once, nothing leaks (ASan). */
static void close_early(void **state)
{
	(void)state;
	size_t cap = 3000000, n = 0;
	char *data = malloc(cap);
	for (int i = 0; n < 2500000; i++)
		n += (size_t)snprintf(data + n, cap - n, "名字%d,%d,第三列\n", i, i);
	const char *path = write_tmp(data, n);
	const struct rowpipe_shape tiny = {1, 2}, big = {0, 0};
	const struct rowpipe_shape *each[] = {&tiny, &big};
	for (int k = 0; k < 2; k++)
		for (int rows = 0; rows < 4; rows += 3) {
			enum rowread_status st;
			struct rowpipe *p = rowpipe_open(path, 0, each[k], &st);
			assert_int_equal(st, ROWREAD_OK);
			struct rowread_row row;
			for (int i = 0; i < rows; i++)
				assert_int_equal(rowpipe_next(p, &row), ROWREAD_OK);
			usleep(50000);	/* tiny: the ring is full and the producer waits */
			double t0 = now_s();
			rowpipe_close(p);
			assert_true(now_s() - t0 < 1.0);	/* not the rest of the file */
		}
	unlink(path);
	free(data);
}

static void refused_as_rowread_refuses(void **state)
{
	(void)state;
	enum rowread_status st;
	const char pdf[] = "%PDF-1.4\n\0\0binary";
	assert_null(rowpipe_open(write_tmp(pdf, sizeof(pdf) - 1), 0, NULL, &st));
	assert_int_equal(st, ROWREAD_NOT_TABLE);
	unlink(tmpl);
	const char csv[] = "a,b\n1,2\n";
	assert_null(rowpipe_open(write_tmp(csv, sizeof(csv) - 1), 4, NULL, &st));
	assert_int_equal(st, ROWREAD_TOO_LARGE);
	unlink(tmpl);
	assert_null(rowpipe_open("/nonexistent/anju-rowpipe", 0, NULL, &st));
	assert_int_equal(st, ROWREAD_IO);
	rowpipe_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_small),
		cmocka_unit_test(csv_of_no_rows),
		cmocka_unit_test(csv_errors_first_and_mid_file),
		cmocka_unit_test(csv_large),
		cmocka_unit_test(csv_wide),
		cmocka_unit_test(xlsx_sheets_and_findings),
		cmocka_unit_test(xlsx_findings_follow_the_batches),
		cmocka_unit_test(close_early),
		cmocka_unit_test(refused_as_rowread_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
