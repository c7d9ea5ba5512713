/* export: tables (core/sheet) as CSV or XLSX downloads. */
#ifndef ANJU_WEB_EXPORT_H
#define ANJU_WEB_EXPORT_H

#include <jansson.h>

#include "web/request.h"

/* Answers with the tables as an XLSX workbook (format "xlsx") or the table at `index` as
 * CSV (format "csv"), named `filename`.xlsx/.csv. Borrows tables. */
void export_reply(struct request *rq, json_t *tables, size_t index, const char *format,
		  const char *filename);

#endif
