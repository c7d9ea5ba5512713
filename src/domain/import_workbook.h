/* import_workbook: the workbooks an import writes (templates, the errors workbook). */
#ifndef ANJU_DOMAIN_IMPORT_WORKBOOK_H
#define ANJU_DOMAIN_IMPORT_WORKBOOK_H
#include <jansson.h>

#include "core/msg.h"

/* The template of a kind: an XLSX at path whose first sheet's first row holds the column
 * headers (in Chinese), an example row, and lists to pick coded values from. 0 on success. */
int import_workbook_template(const char *kind, const char *path);
/* The user's own rows again, sheet by sheet, with an error column after the last one naming
 * field and reason in `lang` for every row the import `result` refused, as an XLSX at
 * out_path (the file at in_path is read again). 0 on success. */
int import_workbook_errors(const char *in_path, json_t *result, enum lang lang,
			   const char *out_path);
#endif
