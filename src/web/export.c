/* export: CSV and XLSX downloads. The workbook is written to a temporary file under the
 * data folder (libxlsxwriter 1.1.4 writes only to files), read back, and removed. */
#include "web/export.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/sheet.h"
#include "web/server.h"

static bool read_whole(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	bool ok = !ferror(f) && !out->failed;
	fclose(f);
	return ok;
}

void export_reply(struct request *rq, json_t *tables, size_t index, const char *format,
		  const char *filename)
{
	buf_reset(&rq->out);
	if (strcmp(format, "csv") == 0) {
		sheet_csv(json_array_get(tables, index), &rq->out);
		rq->status = 200;
		rq->content_type = "text/csv; charset=utf-8";
		rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_DISPOSITION, arena_printf(&rq->arena,
			      "attachment; filename=\"%s.csv\"", filename));
		return;
	}
	char path[1100];
	snprintf(path, sizeof(path), "%s/tmp/export-XXXXXX", rq->cx.blobs->root);
	int fd = mkstemp(path);
	if (fd < 0) {
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	close(fd);
	bool ok = sheet_xlsx(tables, path) == 0 && read_whole(path, &rq->out);
	unlink(path);
	if (!ok) {
		buf_reset(&rq->out);
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	rq->status = 200;
	rq->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_DISPOSITION, arena_printf(&rq->arena,
		      "attachment; filename=\"%s.xlsx\"", filename));
}
