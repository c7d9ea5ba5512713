/* import_workbook: the workbooks an import writes (templates, the errors workbook). */
#ifndef ANJU_DOMAIN_IMPORT_WORKBOOK_H
#define ANJU_DOMAIN_IMPORT_WORKBOOK_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/msg.h"

/* The template of a kind: an XLSX at path whose first sheet's first row holds the column
 * headers (in Chinese), an example row, and lists to pick coded values from. 0 on success. */
int import_workbook_template(const char *kind, const char *path);
/* Rows in error beyond the errors kept in detail (IMPORT_MAX_ERRORS): one small record per
 * row (its first error's field and message key, interned), up to IMPORT_MARKS_MAX rows;
 * past that only `overflow` says more rows were in error. */
#define IMPORT_MARKS_MAX 1000000
#define IMPORT_MARKS_WORDS 255
#define IMPORT_MARK_NONE 0xFFFF
struct import_mark {
	int32_t sheet;
	int32_t row;
	uint16_t label, code;	/* indexes into labels, codes (IMPORT_MARK_NONE: none) */
};
struct import_marks {
	struct import_mark *v;
	size_t n, cap;
	char *labels[IMPORT_MARKS_WORDS], *codes[IMPORT_MARKS_WORDS];
	int nlabels, ncodes;
	bool overflow;		/* rows in error were not recorded */
};
void import_workbook_mark(struct import_marks *m, int sheet, long row, const char *label,
		      const char *code);
void import_workbook_marks_free(struct import_marks *m);

/* The user's own rows again, sheet by sheet, with an error column after the last one naming
 * field and reason in `lang` for every row the import `result` refused (its detailed
 * errors, then `marks`, which may be NULL, for the rows beyond them), as an XLSX at out_path
 * (the file at in_path is read again). Cells keep their kinds (numbers, dates, booleans,
 * text); a sheet past Excel's 1,048,576 rows continues on the next. Written in constant
 * memory to a temporary file beside out_path, then linked into place: an existing out_path
 * is never replaced (-2, errno EEXIST) and a failed write leaves nothing. 0 on success. */
int import_workbook_errors(const char *in_path, json_t *result,
			   const struct import_marks *marks, enum lang lang, const char *out_path);
#endif
