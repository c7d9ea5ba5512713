/*
 * multipart: a streaming multipart/form-data parser (RFC 7578) that holds no more than one
 * part's header block, so a body of any size passes through in bounded memory. It knows
 * nothing of HTTP or files: it calls on_part at each part's headers and on_data with the
 * part's bytes, in order, across any split of the input. Any shape it does not expect — no
 * boundary, a part without Content-Disposition or name, headers over MULTIPART_MAX_HEADER,
 * bytes after the closing delimiter that are not an epilogue, a body that stops before the
 * closing delimiter — is an error, and the parser stops.
 */
#ifndef ANJU_MULTIPART_H
#define ANJU_MULTIPART_H
#include <stdbool.h>
#include <stddef.h>

#define MULTIPART_MAX_BOUNDARY 70	/* RFC 2046 */
#define MULTIPART_MAX_HEADER 4096	/* one part's header block */

enum multipart_error {
	MULTIPART_OK = 0,
	MULTIPART_NO_BOUNDARY,		/* Content-Type without a usable boundary */
	MULTIPART_BAD_FRAMING,		/* bytes where a delimiter or its CRLF belongs */
	MULTIPART_BAD_HEADERS,		/* no Content-Disposition: form-data; name=... */
	MULTIPART_HEADERS_TOO_LONG,
	MULTIPART_UNTERMINATED,		/* the body ended inside a part */
	MULTIPART_STOPPED,		/* a callback said stop */
};

struct multipart_part {
	const char *name;	/* never NULL, never empty */
	const char *filename;	/* NULL for a plain field; may be "" */
	const char *content_type;	/* NULL when the part has none */
};

struct multipart {
	/* "\r\n--" boundary: the delimiter as it appears before every part */
	char delim[MULTIPART_MAX_BOUNDARY + 5];
	size_t dlen;
	unsigned char fail[MULTIPART_MAX_BOUNDARY + 5];	/* KMP fall-back table of delim */
	size_t k;			/* bytes of delim matched so far */
	int state;
	char head[MULTIPART_MAX_HEADER + 1];
	size_t hlen;
	int nparts;
	enum multipart_error error;
	/* Return 0 to go on, anything else to stop (error MULTIPART_STOPPED). */
	int (*on_part)(void *ctx, const struct multipart_part *part);
	int (*on_data)(void *ctx, const char *data, size_t n);
	void *ctx;
};

/* The boundary parameter of a multipart/form-data Content-Type, copied into out
 * (MULTIPART_MAX_BOUNDARY + 1 bytes). Returns false when there is none or it is not a
 * valid boundary (empty, too long, characters RFC 2046 does not allow). */
bool multipart_boundary(const char *content_type, char *out);
/* Prepares a parser for this boundary (as multipart_boundary returned it). */
void multipart_init(struct multipart *m, const char *boundary,
		    int (*on_part)(void *ctx, const struct multipart_part *part),
		    int (*on_data)(void *ctx, const char *data, size_t n), void *ctx);
/* Feeds the next piece of the body. Returns MULTIPART_OK or the (sticky) error. */
enum multipart_error multipart_feed(struct multipart *m, const char *data, size_t n);
/* At the end of the body: MULTIPART_OK when the closing delimiter was seen. */
enum multipart_error multipart_finish(struct multipart *m);
#endif
