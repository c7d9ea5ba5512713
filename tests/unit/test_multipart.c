/* Unit tests for web/multipart.c: the same parts whatever way the body is cut into pieces,
 * and every malformed shape an error. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "web/multipart.h"

/* What the callbacks saw, written as text: "[name|filename]data" per part. */
static int rec_part(void *ctx, const struct multipart_part *p)
{
	buf_printf(ctx, "[%s|%s]", p->name, p->filename ? p->filename : "-");
	return 0;
}

static int rec_data(void *ctx, const char *data, size_t n)
{
	buf_add(ctx, data, n);
	return 0;
}

/* Parses body cut at `cut` (0: whole); returns the error and fills out. */
static enum multipart_error parse(const char *boundary, const char *body, size_t len, size_t cut,
				  struct buf *out)
{
	struct multipart m;
	buf_reset(out);
	multipart_init(&m, boundary, rec_part, rec_data, out);
	if (cut && cut < len) {
		multipart_feed(&m, body, cut);
		multipart_feed(&m, body + cut, len - cut);
	} else {
		multipart_feed(&m, body, len);
	}
	return multipart_finish(&m);
}

static const char good[] =
	"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\xe7\x85\xa7\r\n"
	"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
	"Content-Type: application/octet-stream\r\n\r\n\r\n--X\r\n--Xy\r\r\n--XyQ\r\r\n-\r\n"
	"--XyZ--\r\nepilogue";

static void same_parts_at_every_cut(void **state)
{
	struct buf whole = BUF_INIT, piece = BUF_INIT;
	(void)state;
	size_t len = sizeof(good) - 1;
	assert_int_equal(parse("XyZ", good, len, 0, &whole), MULTIPART_OK);
	/* the file's bytes hold near-delimiters that must come through as data */
	assert_string_equal(whole.data, "[title|-]\xe7\x85\xa7[file|a.bin]\r\n--X\r\n--Xy\r\r\n--XyQ\r\r\n-");
	for (size_t cut = 1; cut < len; cut++) {
		assert_int_equal(parse("XyZ", good, len, cut, &piece), MULTIPART_OK);
		assert_string_equal(piece.data, whole.data);
	}
	buf_release(&whole);
	buf_release(&piece);
}

static void byte_by_byte(void **state)
{
	struct buf out = BUF_INIT;
	struct multipart m;
	(void)state;
	multipart_init(&m, "XyZ", rec_part, rec_data, &out);
	for (size_t i = 0; i < sizeof(good) - 1; i++)
		assert_int_equal(multipart_feed(&m, good + i, 1), MULTIPART_OK);
	assert_int_equal(multipart_finish(&m), MULTIPART_OK);
	assert_string_equal(out.data, "[title|-]\xe7\x85\xa7[file|a.bin]\r\n--X\r\n--Xy\r\r\n--XyQ\r\r\n-");
	buf_release(&out);
}

static void malformed_shapes(void **state)
{
	static const struct {
		const char *body;
		enum multipart_error want;
	} cases[] = {
		{"--XyZ\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n--XyZ--\r\n",
		 MULTIPART_BAD_HEADERS},	/* no name: used to crash the server */
		{"--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--XyZ--\r\n",
		 MULTIPART_BAD_HEADERS},
		{"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--\r\n",
		 MULTIPART_BAD_HEADERS},
		{"--XyZ\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n--XyZ--\r\n",
		 MULTIPART_BAD_HEADERS},
		{"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--\r\n",
		 MULTIPART_BAD_HEADERS},	/* an unclosed quote */
		{"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n", MULTIPART_BAD_HEADERS},
		{"--XyZ\r\n\r\nx\r\n--XyZ--\r\n", MULTIPART_BAD_HEADERS},
		{"--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--\r\n", MULTIPART_BAD_HEADERS},
		{"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ", MULTIPART_UNTERMINATED},
		{"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx", MULTIPART_UNTERMINATED},
		{"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n", MULTIPART_UNTERMINATED},
		{"--XyZ!!\r\n", MULTIPART_BAD_FRAMING},
		{"--XyZ\r!", MULTIPART_BAD_FRAMING},
		{"--XyZ-x", MULTIPART_BAD_FRAMING},
		{"", MULTIPART_BAD_FRAMING},
		{"no delimiter at all", MULTIPART_BAD_FRAMING},
	};
	struct buf out = BUF_INIT;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum multipart_error e = parse("XyZ", cases[i].body, strlen(cases[i].body), 0, &out);
		if (e != cases[i].want)
			fail_msg("case %zu: got %d, want %d", i, (int)e, (int)cases[i].want);
	}
	buf_release(&out);
}

static void headers_are_bounded(void **state)
{
	struct buf body = BUF_INIT, out = BUF_INIT;
	(void)state;
	buf_puts(&body, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: ");
	for (int i = 0; i < MULTIPART_MAX_HEADER; i++)
		buf_putc(&body, 'p');
	buf_puts(&body, "\r\n\r\nx\r\n--XyZ--\r\n");
	assert_int_equal(parse("XyZ", body.data, body.len, 0, &out), MULTIPART_HEADERS_TOO_LONG);
	buf_release(&body);
	buf_release(&out);
}

static void boundaries(void **state)
{
	char b[MULTIPART_MAX_BOUNDARY + 1];
	char longest[200];
	(void)state;
	assert_true(multipart_boundary("multipart/form-data; boundary=abc", b));
	assert_string_equal(b, "abc");
	assert_true(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a'b(c)\"", b));
	assert_string_equal(b, "a'b(c)");
	assert_false(multipart_boundary("multipart/form-data", b));
	assert_false(multipart_boundary("multipart/form-data; boundary=", b));
	assert_false(multipart_boundary("multipart/form-data; boundary=\"abc", b));
	assert_false(multipart_boundary("multipart/form-data; boundary=a<b", b));
	assert_false(multipart_boundary("text/plain; boundary=abc", b));
	snprintf(longest, sizeof(longest), "multipart/form-data; boundary=%071d", 0);
	assert_false(multipart_boundary(longest, b));
	snprintf(longest, sizeof(longest), "multipart/form-data; boundary=%070d", 0);
	assert_true(multipart_boundary(longest, b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_parts_at_every_cut),
		cmocka_unit_test(byte_by_byte),
		cmocka_unit_test(malformed_shapes),
		cmocka_unit_test(headers_are_bounded),
		cmocka_unit_test(boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
