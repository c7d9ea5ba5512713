/*
 * buf: the one growable byte buffer, used for JSON, CSV, HTML and SQL-free text output.
 *
 * Invariants (after git's strbuf):
 *  - data is never NULL and always NUL-terminated, so it can be printed at any time;
 *  - len counts the bytes before that NUL;
 *  - growth beyond `limit` (0 = default cap) sets the sticky `failed` flag instead of
 *    growing; later appends are ignored, so a caller checks buf.failed once at the end
 *    (as SQLite's sqlite3_str does).
 */
#ifndef ANJU_BUF_H
#define ANJU_BUF_H
#include <stdarg.h>
#include <stddef.h>

#define BUF_DEFAULT_LIMIT (64u << 20)

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit;
	int failed;
};

extern char buf_empty[];
#define BUF_INIT { .data = buf_empty, .len = 0, .cap = 0, .limit = 0, .failed = 0 }

/* Prepares an empty buffer; no memory is allocated until the first append. */
void buf_init(struct buf *b);
/* Frees the memory and leaves an empty, usable buffer. */
void buf_release(struct buf *b);
/* Empties the buffer but keeps its memory (and clears the failed flag). */
void buf_reset(struct buf *b);
/* Appends len bytes. */
void buf_add(struct buf *b, const void *data, size_t len);
/* Appends a NUL-terminated string. */
void buf_puts(struct buf *b, const char *s);
/* Appends one byte. */
void buf_putc(struct buf *b, char c);
/* Appends printf-formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands over the data (malloc'd; caller frees) and leaves an empty buffer; NULL on failure. */
char *buf_detach(struct buf *b, size_t *len);
#endif
