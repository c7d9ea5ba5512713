/*
 * libFuzzer entry point for the multipart parser (web/multipart.c). The first byte picks
 * where the body is cut in two (and the boundary comes from the next bytes up to a NUL),
 * so every boundary, header and framing shape is tried whole and split: both must give
 * the same parts, the same bytes and the same verdict, and a part always has a name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "web/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rec_part(void *ctx, const struct multipart_part *p)
{
	if (!p->name || !*p->name)
		abort();	/* the parser's promise to upload.c */
	buf_printf(ctx, "[%s|%s|%s]", p->name, p->filename ? p->filename : "-",
		   p->content_type ? p->content_type : "-");
	return 0;
}

static int rec_data(void *ctx, const char *d, size_t n)
{
	if (n == 0)
		abort();
	buf_add(ctx, d, n);
	return 0;
}

static enum multipart_error run(const char *boundary, const char *body, size_t len, size_t cut,
				struct buf *out)
{
	struct multipart m;
	multipart_init(&m, boundary, rec_part, rec_data, out);
	multipart_feed(&m, body, cut);
	multipart_feed(&m, body + cut, len - cut);
	return multipart_finish(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char boundary[MULTIPART_MAX_BOUNDARY + 1] = "XyZ";
	if (size < 2)
		return 0;
	size_t cut_at = data[0];
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	const char *nul = memchr(rest, '\0', n < 72 ? n : 72);
	if (nul && nul > rest) {	/* "boundary\0body": the boundary as a Content-Type gives it */
		char ct[128];
		int k = snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%.*s",
				 (int)(nul - rest), rest);
		if (k > 0 && !multipart_boundary(ct, boundary))
			memcpy(boundary, "XyZ", 4);
		n -= (size_t)(nul - rest) + 1;
		rest = nul + 1;
	}
	struct buf whole = BUF_INIT, split = BUF_INIT;
	enum multipart_error a = run(boundary, rest, n, n, &whole);
	enum multipart_error b = run(boundary, rest, n, cut_at % (n + 1), &split);
	if (a != b || whole.len != split.len || (whole.len && memcmp(whole.data, split.data, whole.len)))
		abort();	/* the same body, however it arrives */
	buf_release(&whole);
	buf_release(&split);
	return 0;
}
