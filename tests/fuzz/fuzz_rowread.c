/*
 * libFuzzer entry point for core/rowread.c, the reader of the files people import. The
 * first byte picks the form: odd, the rest is a CSV file as it stands (encodings, quotes,
 * records across reads); even, the rest is split at its first NUL into a sheet's XML and a
 * shared-string table, packed into an otherwise valid workbook (so the fuzzer reaches the
 * XML, not only the ZIP check). Every row is read; the reader must never crash, overrun
 * or leak, and its rows must keep their promises (cells in range, text never NULL).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/rowread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char wb_xml[] = "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas."
	"openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
	"<sheet name=\"H\" sheetId=\"2\" state=\"hidden\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_xml[] = "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
	"openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"ws\""
	" Target=\"worksheets/sheet1.xml\"/></Relationships>";
static const char styles_xml[] = "<?xml version=\"1.0\"?><styleSheet><numFmts><numFmt"
	" numFmtId=\"164\" formatCode=\"yyyy/m/d\"/></numFmts><cellXfs><xf numFmtId=\"0\"/>"
	"<xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";

static int add(zip_t *z, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, p, n, 0);
	if (!s)
		return -1;
	if (zip_file_add(z, name, s, ZIP_FL_OVERWRITE) < 0) {
		zip_source_free(s);
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	if (size < 1)
		return 0;
	snprintf(path, sizeof(path), "/tmp/fuzz-rowread-%ld", (long)getpid());
	unlink(path);
	if (data[0] & 1) {
		FILE *f = fopen(path, "wb");
		if (!f)
			return 0;
		fwrite(data + 1, 1, size - 1, f);
		fclose(f);
	} else {
		const uint8_t *rest = data + 1, *nul = memchr(rest, 0, size - 1);
		size_t sheet_n = nul ? (size_t)(nul - rest) : size - 1;
		int err;
		zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
		if (!z)
			return 0;
		add(z, "xl/workbook.xml", wb_xml, sizeof(wb_xml) - 1);
		add(z, "xl/_rels/workbook.xml.rels", rels_xml, sizeof(rels_xml) - 1);
		add(z, "xl/styles.xml", styles_xml, sizeof(styles_xml) - 1);
		add(z, "xl/worksheets/sheet1.xml", rest, sheet_n);
		if (nul)
			add(z, "xl/sharedStrings.xml", nul + 1, size - 1 - sheet_n - 1);
		if (zip_close(z) != 0) {
			zip_discard(z);
			unlink(path);
			return 0;
		}
	}
	enum rowread_status st;
	struct rowread *r = rowread_open(path, 1 << 20, &st);
	if (r) {
		struct rowread_row row;
		int rows = 0;
		while (rowread_next(r, &row) == ROWREAD_OK && rows++ < 100000) {
			if (row.ncells < 0 || row.ncells > ROWREAD_MAX_COLS || row.sheet < 0 ||
			    row.sheet >= rowread_sheet_count(r))
				abort();
			for (int i = 0; i < row.ncells; i++)
				if (!row.cells[i].text || strlen(row.cells[i].text) > 4 * ROWREAD_MAX_CELL)
					abort();
		}
		rowread_close(r);
	}
	unlink(path);
	return 0;
}
