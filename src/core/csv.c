/* csv: RFC 4180 record reader. */
#include "core/csv.h"

#include <string.h>

#include "core/buf.h"

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->line = 0;
	/* Spreadsheet programs (and sheet.c) start a UTF-8 file with a byte-order mark; read
	 * as text it would join the first field and unquote it ("\xEF\xBB\xBF"a,b" -> 2 fields). */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
}

int csv_next(struct csv_reader *r, struct arena *a, char **fields, int max)
{
	struct buf field = BUF_INIT;
	int n = 0, rc = -1;
	if (r->p >= r->end)
		return 0;
	r->line++;
	for (;;) {
		buf_reset(&field);
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				if (r->p >= r->end)
					goto out;	/* unterminated quote */
				if (*r->p == '"') {
					if (r->p + 1 < r->end && r->p[1] == '"') {
						buf_putc(&field, '"');
						r->p += 2;
						continue;
					}
					r->p++;
					break;
				}
				if (*r->p == '\n')
					r->line++;
				buf_putc(&field, *r->p++);
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
				goto out;	/* text after the closing quote */
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
				buf_putc(&field, *r->p++);
		}
		if (n == max || field.failed)
			goto out;
		if (!(fields[n++] = arena_strndup(a, field.data, field.len)))
			goto out;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		break;
	}
	rc = n;
out:
	buf_release(&field);
	return rc;
}
