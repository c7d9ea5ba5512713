/* Unit tests for core/rowread.c: CSV in UTF-8 (with and without BOM) and GB18030, records
 * across read boundaries, blank rows, malformed CSV; XLSX with inline and shared strings,
 * numbers, dates, booleans, formulas, several sheets, hidden sheets and merged ranges; and
 * what is refused: not a table, an encrypted workbook, an old .xls, a damaged ZIP, a file
 * over the size limit. Workbooks come from tests/data/import (make-fixtures.py), or are
 * made here with libzip when they must be large (a shared-string table past the cache). */
#include "tests/unit/cmocka_prelude.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/rowread.h"
#include "core/xmlscan.h"

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

	/* a quote opened on line 4 (the record began on line 3) and never closed: said as a
	 * bad CSV on the quote's line, at the end of the file and when the field runs past
	 * any cell's length (was "too wide" on the record's line) */
	const char late[] = "a,b\nc,d\n\"x\ny\",\"z\nmore\nlines\n";
	r = open_ok(write_tmp(late, sizeof(late) - 1));
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(rowread_next(r, &row), ROWREAD_BAD_CSV);
	rowread_where(r, &sheet, &line);
	assert_int_equal(line, 4);
	rowread_close(r);
	unlink(tmpl);
	size_t big = (size_t)20 << 20;
	char *buf = malloc(big);
	assert_non_null(buf);
	memcpy(buf, "a,b\nc,\"", 7);
	for (size_t i = 7; i < big; i++)
		buf[i] = i % 80 == 0 ? '\n' : 'x';
	r = open_ok(write_tmp(buf, big));
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(rowread_next(r, &row), ROWREAD_BAD_CSV);
	rowread_where(r, &sheet, &line);
	assert_int_equal(line, 2);
	rowread_close(r);
	unlink(tmpl);
	/* a quoted field of the longest cell, closed: taken */
	size_t cell = (size_t)ROWREAD_MAX_CELL * 4;
	memcpy(buf, "a,\"", 3);
	memset(buf + 3, 'y', cell);
	memcpy(buf + 3 + cell, "\"\n", 2);
	r = open_ok(write_tmp(buf, cell + 5));
	assert_int_equal(rowread_next(r, &row), ROWREAD_OK);
	assert_int_equal(strlen(row.cells[1].text), cell);
	assert_int_equal(rowread_next(r, &row), ROWREAD_END);
	rowread_close(r);
	unlink(tmpl);
	free(buf);
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

/* ---------------------------------------------------------------- workbooks made here */

static const char WB_HEAD[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
static const char NS[] = " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";

/* A workbook of one sheet and the given shared strings part (NULL: none) into a temporary
 * file; its path. */
static const char *make_xlsx(const char *sheet, const char *shared)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/anju-rowread-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int err;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	char wb[512], rels[512];
	snprintf(wb, sizeof(wb), "%s<workbook%s xmlns:r=\"http://schemas.openxmlformats.org/"
		 "officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\""
		 " r:id=\"rId1\"/></sheets></workbook>", WB_HEAD, NS);
	snprintf(rels, sizeof(rels), "%s<Relationships xmlns=\"http://schemas.openxmlformats.org/"
		 "package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/"
		 "sheet1.xml\" Type=\"x\"/></Relationships>", WB_HEAD);
	const char *names[] = {"[Content_Types].xml", "xl/workbook.xml",
		"xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
	const char *texts[] = {"<Types/>", wb, rels, sheet, shared};
	for (int i = 0; i < 5 && texts[i]; i++) {
		/* libzip reads the buffers at zip_close: copies it frees itself */
		char *copy = strdup(texts[i]);
		assert_non_null(copy);
		zip_source_t *src = zip_source_buffer(z, copy, strlen(copy), 1);
		assert_non_null(src);
		assert_true(zip_file_add(z, names[i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	return path;
}

/* A growable string for the parts. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (t->s && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
}

#define NSHARED 200000	/* over a thousand blocks: far more than the cache holds */
#define LONG_AT 1234	/* a string longer than a block */

static void shared_text(char *out, size_t n, long i)
{
	snprintf(out, n, i % 100 == 5 ? "文本%ld&<>" : "文本%ld", i);
}

/* Every shared string read back right, in order, backwards and at random, past the cache
 * (the table goes to a temporary file and comes back through a bounded cache). */
static void xlsx_shared_strings_past_the_cache(void **state)
{
	(void)state;
	struct text sst = {0}, sh = {0};
	char *longs = malloc(40001);
	assert_non_null(longs);
	for (int i = 0; i < 40000; i++)
		longs[i] = (char)('a' + i % 26);
	longs[40000] = 0;
	add(&sst, "%s<sst%s count=\"%d\" uniqueCount=\"%d\">", WB_HEAD, NS, NSHARED, NSHARED);
	for (long i = 0; i < NSHARED; i++) {
		char t[32];
		shared_text(t, sizeof(t), i);
		if (i == LONG_AT)
			add(&sst, "<si><t>%s</t></si>", longs);
		else if (i % 1000 == 7)	/* rich text: runs joined, a phonetic run left out */
			add(&sst, "<si><r><t>%.6s</t></r><r><t>%s</t></r><rPh><t>ピン</t></rPh></si>",
			    t, t + 6);
		else if (i % 100 == 5)	/* entities, wherever the reads cut the part */
			add(&sst, "<si><t>文本%ld&amp;&lt;&#x3E;</t></si>", i);
		else
			add(&sst, "<si><t>%s</t></si>", t);
	}
	add(&sst, "</sst>");
	/* rows 1..N: in order; then backwards; then a pseudo-random walk, each row also
	 * naming string 3 (a hot one at a low index), an inline string and a formula's text */
	add(&sh, "%s<worksheet%s><sheetData>", WB_HEAD, NS);
	long row = 0, idx[3 * NSHARED / 10];
	int n = 0;
	for (long i = 0; i < NSHARED; i += 10)
		idx[n++] = i;
	for (long i = NSHARED - 1; i >= 0; i -= 10)
		idx[n++] = i;
	unsigned x = 12345;
	for (long i = 0; i < NSHARED / 10; i++) {
		x = x * 1103515245u + 12345u;
		idx[n++] = (long)((x >> 8) % NSHARED);
	}
	for (int k = 0; k < n; k++) {
		row++;
		add(&sh, "<row r=\"%ld\"><c r=\"A%ld\" t=\"s\"><v>%ld</v></c>"
		    "<x:c xmlns:x=\"urn:x\" r=\"B%ld\" t=\"s\"><x:v>3</x:v></x:c>"
		    "<c r=\"C%ld\" t=\"inlineStr\"><is><t>行%ld</t></is></c>"
		    "<c r=\"D%ld\" t=\"str\"><f>A1</f><v>式%ld</v></c></row>",
		    row, row, idx[k], row, row, row, row, row);
	}
	add(&sh, "</sheetData></worksheet>");
	const char *path = make_xlsx(sh.s, sst.s);
	free(sh.s);
	free(sst.s);
	struct rowread *r = open_ok(path);
	struct rowread_row rw;
	for (int k = 0; k < n; k++) {
		char want[32], three[32], inl[32], f[32];
		assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);
		assert_int_equal(rw.number, k + 1);
		assert_int_equal(rw.ncells, 4);
		assert_int_equal(rw.cells[0].kind, ROWREAD_TEXT);
		if (idx[k] == LONG_AT)
			assert_string_equal(rw.cells[0].text, longs);
		else {
			shared_text(want, sizeof(want), idx[k]);
			assert_string_equal(rw.cells[0].text, want);
		}
		shared_text(three, sizeof(three), 3);
		assert_string_equal(rw.cells[1].text, three);
		snprintf(inl, sizeof(inl), "行%d", k + 1);
		assert_string_equal(rw.cells[2].text, inl);
		snprintf(f, sizeof(f), "式%d", k + 1);
		assert_string_equal(rw.cells[3].text, f);
		assert_true(rw.cells[3].formula);
		assert_int_equal(rw.cells[3].kind, ROWREAD_TEXT);
	}
	assert_int_equal(rowread_next(r, &rw), ROWREAD_END);
	rowread_close(r);
	free(longs);
	unlink(path);
}

/* A cell naming a shared string past the table's end, or by something not a number: a
 * clear error on its sheet and row, and the reader stays stopped. */
static void xlsx_shared_string_out_of_range(void **state)
{
	(void)state;
	const char *bad[] = {"2", "99999999999", "1x", "", "-1"};
	for (size_t b = 0; b < sizeof(bad) / sizeof(*bad); b++) {
		char sheet[1024], sst[512];
		snprintf(sst, sizeof(sst), "%s<sst%s count=\"2\" uniqueCount=\"2\"><si><t>甲</t></si>"
			 "<si><t>乙</t></si></sst>", WB_HEAD, NS);
		snprintf(sheet, sizeof(sheet), "%s<worksheet%s><sheetData>"
			 "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>"
			 "<row r=\"7\"><c r=\"A7\" t=\"s\"><v>0</v></c>"
			 "<c r=\"B7\" t=\"s\"><v>%s</v></c></row></sheetData></worksheet>",
			 WB_HEAD, NS, bad[b]);
		const char *path = make_xlsx(sheet, sst);
		struct rowread *r = open_ok(path);
		struct rowread_row rw;
		assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);
		assert_string_equal(rw.cells[0].text, "乙");
		assert_int_equal(rowread_next(r, &rw), ROWREAD_BAD_SHARED);
		int s;
		long at;
		rowread_where(r, &s, &at);
		assert_int_equal(s, 0);
		assert_int_equal(at, 7);
		assert_int_equal(rowread_next(r, &rw), ROWREAD_BAD_SHARED);	/* sticky */
		assert_string_equal(rowread_status_key(ROWREAD_BAD_SHARED),
				    "import_bad_shared_string");
		rowread_close(r);
		unlink(path);
	}
	/* no shared strings part at all, and a cell naming one */
	char sheet[512];
	snprintf(sheet, sizeof(sheet), "%s<worksheet%s><sheetData><row r=\"1\"><c r=\"A1\""
		 " t=\"s\"><v>0</v></c></row></sheetData></worksheet>", WB_HEAD, NS);
	const char *path = make_xlsx(sheet, NULL);
	struct rowread *r = open_ok(path);
	struct rowread_row rw;
	assert_int_equal(rowread_next(r, &rw), ROWREAD_BAD_SHARED);
	rowread_close(r);
	unlink(path);
}

/* A sheet part as the test gives it, with the one shared string "甲". */
static enum rowread_status read_sheet(const char *body, struct rowread_row *rw, char *first,
				      size_t n)
{
	char sheet[4096], sst[512];
	snprintf(sst, sizeof(sst), "%s<sst%s><si><t>甲</t></si></sst>", WB_HEAD, NS);
	snprintf(sheet, sizeof(sheet), "%s", body);
	const char *path = make_xlsx(sheet, sst);
	enum rowread_status st;
	struct rowread *r = rowread_open(path, 0, &st);
	if (r) {
		st = rowread_next(r, rw);
		if (st == ROWREAD_OK && rw->ncells)
			snprintf(first, n, "%s|%s", rw->cells[0].text,
				 rw->ncells > 1 ? rw->cells[1].text : "");
		rowread_close(r);
	}
	unlink(path);
	return st;
}

/* What the sheet reader takes (what Excel and the libraries write: comments, processing
 * instructions, CDATA, entities, single quotes, a byte-order mark, CR LF) and what it
 * refuses as a damaged workbook (cut off, tags that do not match, an unknown entity, a
 * document type, bytes that are not UTF-8, text outside the root). */
static void xlsx_sheet_xml_taken_and_refused(void **state)
{
	(void)state;
	struct rowread_row rw;
	char got[256];
	assert_int_equal(read_sheet("\xEF\xBB\xBF<?xml version='1.0'?>\r\n<!-- made by hand -->"
		"<worksheet><sheetData><?pi x?><row r = '3' ><c r='A3' t='inlineStr'><is><t>"
		"a&lt;b&#x4E2D;&#25991;\r\nz</t></is></c><c r=\"B3\" t=\"str\"><v><![CDATA[<&>]]>"
		"</v></c></row></sheetData></worksheet>\n", &rw, got, sizeof(got)), ROWREAD_OK);
	assert_int_equal(rw.number, 3);
	assert_string_equal(got, "a<b中文\nz|<&>");
	assert_int_equal(read_sheet("<worksheet><sheetData><row r=\"1\"><c r=\"B1\" t=\"s\">"
		"<v>0</v></c></row></sheetData></worksheet>", &rw, got, sizeof(got)), ROWREAD_OK);
	assert_string_equal(got, "|甲");

	const char *bad[] = {
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></row>"
		"</sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&nbsp;</t>"
		"</is></c></row></sheetData></worksheet>",
		"<!DOCTYPE w [<!ENTITY a \"b\">]><worksheet><sheetData><row r=\"1\"><c r=\"A1\""
		" t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xff\xfe</t>"
		"</is></c></row></sheetData></worksheet>",
		"text<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
		"</sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&#0;</t>"
		"</is></c></row></sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1 t=\"s\"><v>0</v></c></row>"
		"</sheetData></worksheet>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(read_sheet(bad[i], &rw, got, sizeof(got)), ROWREAD_CORRUPT);
}

/* Shared strings that are not UTF-8 make a damaged workbook; no place for the temporary
 * file makes an unreadable one, with nothing left behind either way. */
static void xlsx_shared_strings_refused(void **state)
{
	(void)state;
	char sheet[512], sst[512];
	snprintf(sheet, sizeof(sheet), "%s<worksheet%s><sheetData><row r=\"1\"><c r=\"A1\""
		 " t=\"s\"><v>0</v></c></row></sheetData></worksheet>", WB_HEAD, NS);
	snprintf(sst, sizeof(sst), "%s<sst%s><si><t>\xc3\x28</t></si></sst>", WB_HEAD, NS);
	const char *path = make_xlsx(sheet, sst);
	enum rowread_status st;
	assert_null(rowread_open(path, 0, &st));
	assert_int_equal(st, ROWREAD_CORRUPT);
	unlink(path);
	snprintf(sst, sizeof(sst), "%s<sst%s><si><t>甲</t></si></sst>", WB_HEAD, NS);
	path = make_xlsx(sheet, sst);
	const char *old = getenv("TMPDIR");
	char *keep = old ? strdup(old) : NULL;
	setenv("TMPDIR", "/nonexistent-anju-dir", 1);
	assert_null(rowread_open(path, 0, &st));
	assert_int_equal(st, ROWREAD_IO);
	if (keep)
		setenv("TMPDIR", keep, 1);
	else
		unsetenv("TMPDIR");
	free(keep);
	struct rowread *r = open_ok(path);
	struct rowread_row rw;
	assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);
	assert_string_equal(rw.cells[0].text, "甲");
	rowread_close(r);
	unlink(path);
}

/* The rows of a sheet body read to the end: the status that ended them, how many came,
 * where the error was (row, column). */
static enum rowread_status read_all(const char *body, int *nrows, long *at, int *col)
{
	char sst[512];
	snprintf(sst, sizeof(sst), "%s<sst%s><si><t>甲</t></si></sst>", WB_HEAD, NS);
	const char *path = make_xlsx(body, sst);
	enum rowread_status st;
	struct rowread *r = rowread_open(path, 0, &st);
	*nrows = 0;
	*at = 0;
	*col = -1;
	if (r) {
		struct rowread_row rw;
		while ((st = rowread_next(r, &rw)) == ROWREAD_OK)
			++*nrows;
		int s;
		rowread_where(r, &s, at);
		*col = rowread_where_col(r);
		rowread_close(r);
	}
	unlink(path);
	return st;
}

/* A cell naming a column at or before one already in its row (a repeat, or going back),
 * or a row number at or before an earlier one, is a damaged sheet: refused with where,
 * never a row silently cut short or reordered. Gaps (cells or rows left out) are fine. */
static void xlsx_cells_and_rows_out_of_order(void **state)
{
	(void)state;
	int n, col;
	long at;
	/* A2..H2 then F2 again: was a row cut after E (F, G, H dropped without a word) */
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0"
		"</v></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\"><v>2</v></c>"
		"<c r=\"C2\"><v>3</v></c><c r=\"D2\"><v>4</v></c><c r=\"E2\"><v>5</v></c>"
		"<c r=\"F2\"><v>6</v></c><c r=\"G2\"><v>7</v></c><c r=\"H2\"><v>8</v></c>"
		"<c r=\"F2\"><v>9</v></c></row></sheetData></worksheet>", &n, &at, &col),
		ROWREAD_CELL_ORDER);
	assert_int_equal(n, 1);
	assert_int_equal(at, 2);
	assert_int_equal(col, 5);	/* F */
	/* C2 before B2 */
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"2\"><c r=\"C2\"><v>1</v></c>"
		"<c r=\"B2\"><v>2</v></c></row></sheetData></worksheet>", &n, &at, &col),
		ROWREAD_CELL_ORDER);
	assert_int_equal(col, 1);
	/* the same cell twice */
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"3\"><c r=\"A3\"><v>1</v></c>"
		"<c r=\"A3\"><v>2</v></c></row></sheetData></worksheet>", &n, &at, &col),
		ROWREAD_CELL_ORDER);
	assert_int_equal(at, 3);
	assert_int_equal(col, 0);
	/* a cell without a reference after B: it is C, and naming B after it goes back */
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"1\"><c r=\"B1\"><v>1</v></c>"
		"<c><v>2</v></c><c r=\"C1\"><v>3</v></c></row></sheetData></worksheet>", &n, &at,
		&col), ROWREAD_CELL_ORDER);
	assert_int_equal(col, 2);
	/* rows: one repeated, one going back */
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"2\"><c r=\"A2\"><v>1</v></c>"
		"</row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row></sheetData></worksheet>", &n, &at,
		&col), ROWREAD_ROW_ORDER);
	assert_int_equal(n, 1);
	assert_int_equal(at, 2);
	assert_int_equal(col, -1);
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"5\"><c r=\"A5\"><v>1</v></c>"
		"</row><row r=\"3\"><c r=\"A3\"><v>2</v></c></row></sheetData></worksheet>", &n, &at,
		&col), ROWREAD_ROW_ORDER);
	assert_int_equal(at, 3);
	assert_string_equal(rowread_status_key(ROWREAD_CELL_ORDER), "import_cells_out_of_order");
	assert_string_equal(rowread_status_key(ROWREAD_ROW_ORDER), "import_rows_out_of_order");
	/* in order, with gaps and rows without numbers: all taken */
	assert_int_equal(read_all("<worksheet><sheetData><row r=\"2\"><c r=\"B2\"><v>1</v></c>"
		"<c r=\"D2\"><v>2</v></c><c><v>3</v></c></row><row><c><v>4</v></c></row>"
		"<row r=\"9\"><c r=\"A9\"><v>5</v></c></row></sheetData></worksheet>", &n, &at, &col),
		ROWREAD_END);
	assert_int_equal(n, 3);
}

/* A part that inflates past ROWREAD_MAX_RATIO times its packed size (once past the floor)
 * is refused as it is read, counted in the bytes inflated: a sheet, and the shared
 * strings (before they fill the temporary file). Just under the floor it is read. */
static void xlsx_inflation_capped(void **state)
{
	(void)state;
	const char head[] = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
			    "</row>", tail[] = "</sheetData></worksheet>";
	size_t pad = (size_t)ROWREAD_RATIO_FLOOR + (1u << 20);
	char *big = malloc(sizeof(head) + pad + sizeof(tail));
	assert_non_null(big);
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, ' ', pad);
	memcpy(big + sizeof(head) - 1 + pad, tail, sizeof(tail));
	char sst[512];
	snprintf(sst, sizeof(sst), "%s<sst%s><si><t>甲</t></si></sst>", WB_HEAD, NS);
	const char *path = make_xlsx(big, sst);
	struct rowread *r = open_ok(path);
	struct rowread_row rw;
	assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);	/* the first row came */
	assert_int_equal(rowread_next(r, &rw), ROWREAD_INFLATES);
	assert_string_equal(rowread_status_key(ROWREAD_INFLATES), "import_inflates");
	rowread_close(r);
	unlink(path);
	/* 2 MiB under the floor: a sheet that compresses well is still a sheet */
	memmove(big + sizeof(head) - 1 + pad - (3u << 20), tail, sizeof(tail));
	path = make_xlsx(big, sst);
	r = open_ok(path);
	assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);
	assert_int_equal(rowread_next(r, &rw), ROWREAD_END);
	rowread_close(r);
	unlink(path);
	/* the shared strings: refused at open */
	const char shead[] = "<sst><si><t>甲</t></si>", stail[] = "</sst>";
	memcpy(big, shead, sizeof(shead) - 1);
	memset(big + sizeof(shead) - 1, ' ', pad);
	memcpy(big + sizeof(shead) - 1 + pad, stail, sizeof(stail));
	char sheet[512];
	snprintf(sheet, sizeof(sheet), "%s%s", head, tail);
	path = make_xlsx(sheet, big);
	enum rowread_status st;
	assert_null(rowread_open(path, 0, &st));
	assert_int_equal(st, ROWREAD_INFLATES);
	unlink(path);
	free(big);
}

/* A shared string over any cell's limit is what the same text in a cell is: too wide,
 * not an unreadable file; at the limit it is taken. */
static void xlsx_shared_string_too_long(void **state)
{
	(void)state;
	size_t limit = (size_t)ROWREAD_MAX_CELL * 4;
	char *sst = malloc(limit + 512);
	assert_non_null(sst);
	char sheet[512];
	snprintf(sheet, sizeof(sheet), "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\">"
		 "<v>0</v></c></row></sheetData></worksheet>");
	for (int over = 0; over < 2; over++) {
		int n = snprintf(sst, 64, "<sst><si><t>");
		memset(sst + n, 'x', limit + (size_t)over);
		snprintf(sst + n + limit + (size_t)over, 64, "</t></si></sst>");
		const char *path = make_xlsx(sheet, sst);
		enum rowread_status st;
		struct rowread *r = rowread_open(path, 0, &st);
		if (over) {
			assert_null(r);
			assert_int_equal(st, ROWREAD_TOO_WIDE);
		} else {
			struct rowread_row rw;
			assert_non_null(r);
			assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);
			assert_int_equal(strlen(rw.cells[0].text), limit);
			rowread_close(r);
		}
		unlink(path);
	}
	free(sst);
}

/* A tag of XMLSCAN_MAX_TOKEN bytes is read; one byte more is a damaged sheet (a 5 MiB tag
 * used to pass, the buffer growing past the limit). */
static void xlsx_token_limit(void **state)
{
	(void)state;
	const char head[] = "<worksheet><sheetData>", open[] = "<row r=\"1\" x=\"",
		   rest[] = "\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>";
	size_t max = XMLSCAN_MAX_TOKEN, pad = max - (sizeof(open) - 1) - 2;
	char *body = malloc(sizeof(head) + sizeof(open) + pad + 1 + sizeof(rest));
	assert_non_null(body);
	char sst[512];
	snprintf(sst, sizeof(sst), "%s<sst%s><si><t>甲</t></si></sst>", WB_HEAD, NS);
	for (size_t extra = 0; extra < 2; extra++) {
		size_t n = 0;
		memcpy(body + n, head, sizeof(head) - 1);
		n += sizeof(head) - 1;
		memcpy(body + n, open, sizeof(open) - 1);
		n += sizeof(open) - 1;
		memset(body + n, 'a', pad + extra);
		n += pad + extra;
		memcpy(body + n, rest, sizeof(rest));
		const char *path = make_xlsx(body, sst);
		struct rowread *r = open_ok(path);
		struct rowread_row rw;
		if (extra)
			assert_int_equal(rowread_next(r, &rw), ROWREAD_CORRUPT);
		else {
			assert_int_equal(rowread_next(r, &rw), ROWREAD_OK);
			assert_string_equal(rw.cells[0].text, "甲");
		}
		rowread_close(r);
		unlink(path);
	}
	free(body);
}

/* A workbook of two sheets named a and b (both reading one sheet part): the status of
 * opening it, and when open how many rows it gives. */
static enum rowread_status two_sheets(const char *a, const char *b, int *rows)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/anju-rowread-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int err;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	char wb[1024], rels[1024];
	snprintf(wb, sizeof(wb), "%s<workbook%s xmlns:r=\"http://schemas.openxmlformats.org/"
		 "officeDocument/2006/relationships\"><sheets><sheet name=\"%s\" sheetId=\"1\""
		 " r:id=\"rId1\"/><sheet name=\"%s\" sheetId=\"2\" r:id=\"rId2\"/></sheets>"
		 "</workbook>", WB_HEAD, NS, a, b);
	snprintf(rels, sizeof(rels), "%s<Relationships xmlns=\"http://schemas.openxmlformats.org/"
		 "package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/"
		 "sheet1.xml\" Type=\"x\"/><Relationship Id=\"rId2\" Target=\"worksheets/"
		 "sheet1.xml\" Type=\"x\"/></Relationships>", WB_HEAD);
	const char *names[] = {"[Content_Types].xml", "xl/workbook.xml",
		"xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"};
	const char *texts[] = {"<Types/>", wb, rels, "<worksheet><sheetData><row r=\"1\">"
		"<c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>"};
	for (int i = 0; i < 4; i++) {
		char *copy = strdup(texts[i]);
		assert_non_null(copy);
		zip_source_t *src = zip_source_buffer(z, copy, strlen(copy), 1);
		assert_non_null(src);
		assert_true(zip_file_add(z, names[i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	enum rowread_status st;
	struct rowread *r = rowread_open(path, 0, &st);
	*rows = 0;
	if (r) {
		struct rowread_row rw;
		while ((st = rowread_next(r, &rw)) == ROWREAD_OK)
			++*rows;
		rowread_close(r);
	}
	unlink(path);
	return st;
}

/* Two sheets of one name (Excel's names are unique, ignoring case) make a damaged
 * workbook; two names that differ are read. */
static void xlsx_duplicate_sheet_names(void **state)
{
	(void)state;
	int rows;
	assert_int_equal(two_sheets("S", "S", &rows), ROWREAD_DUP_SHEETS);
	assert_int_equal(two_sheets("户籍", "户籍", &rows), ROWREAD_DUP_SHEETS);
	assert_int_equal(two_sheets("Sheet1", "SHEET1", &rows), ROWREAD_DUP_SHEETS);
	assert_string_equal(rowread_status_key(ROWREAD_DUP_SHEETS),
			    "import_duplicate_sheet_names");
	assert_int_equal(two_sheets("S", "S2", &rows), ROWREAD_END);
	assert_int_equal(rows, 2);
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
		cmocka_unit_test(xlsx_shared_strings_past_the_cache),
		cmocka_unit_test(xlsx_shared_string_out_of_range),
		cmocka_unit_test(xlsx_sheet_xml_taken_and_refused),
		cmocka_unit_test(xlsx_shared_strings_refused),
		cmocka_unit_test(xlsx_cells_and_rows_out_of_order),
		cmocka_unit_test(xlsx_inflation_capped),
		cmocka_unit_test(xlsx_shared_string_too_long),
		cmocka_unit_test(xlsx_token_limit),
		cmocka_unit_test(xlsx_duplicate_sheet_names),
		cmocka_unit_test(what_is_not_a_table),
		cmocka_unit_test(column_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
