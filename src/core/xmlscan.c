/* xmlscan: a streaming reader of a workbook's big XML parts (see xmlscan.h). */
#include "core/xmlscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XS_CHUNK (64u << 10)
#define XS_DEPTH 256
#define XS_STACK (8u << 10)

struct xmlscan {
	xmlscan_read_fn read;
	void *src, *ud;
	xmlscan_start_fn start;
	xmlscan_end_fn end;
	xmlscan_text_fn text;
	char *buf;		/* [pos, len) not yet read; buf[len] is a NUL */
	size_t pos, len, cap;
	bool eof, stop, began, root_seen, done;
	enum xmlscan_status failed;	/* XMLSCAN_BAD or XMLSCAN_IO once failed, else 0 */
	int depth;
	size_t nstack;
	char stack[XS_STACK];	/* the open elements' names, NUL-separated */
	uint32_t at[XS_DEPTH];	/* where each starts in stack */
	char *tbuf;		/* a text run with entities or carriage returns, decoded */
	size_t tcap;
	const char *attrs[2 * XMLSCAN_MAX_ATTRS + 1];
};

struct xmlscan *xmlscan_new(xmlscan_read_fn read, void *src, void *ud, xmlscan_start_fn start,
			    xmlscan_end_fn end, xmlscan_text_fn text)
{
	struct xmlscan *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->cap = 4 * XS_CHUNK;
	if (!(x->buf = malloc(x->cap + 1))) {
		free(x);
		return NULL;
	}
	x->buf[0] = 0;
	x->read = read;
	x->src = src;
	x->ud = ud;
	x->start = start;
	x->end = end;
	x->text = text;
	return x;
}

void xmlscan_free(struct xmlscan *x)
{
	if (!x)
		return;
	free(x->buf);
	free(x->tbuf);
	free(x);
}

void xmlscan_stop(struct xmlscan *x) { x->stop = true; }

static enum xmlscan_status fail(struct xmlscan *x, enum xmlscan_status st)
{
	x->failed = st;
	return st;
}

/* More bytes after [pos, len), kept at the start of the buffer: 1, 0 at the end, -1 when
 * the read fails, -2 when a token outgrows XMLSCAN_MAX_TOKEN, -3 out of memory. */
static int fill(struct xmlscan *x)
{
	if (x->eof)
		return 0;
	if (x->pos) {
		memmove(x->buf, x->buf + x->pos, x->len - x->pos);
		x->len -= x->pos;
		x->pos = 0;
	}
	if (x->cap - x->len < XS_CHUNK) {
		if (x->cap >= XMLSCAN_MAX_TOKEN + 4 * XS_CHUNK)
			return -2;
		char *b = realloc(x->buf, x->cap * 2 + 1);
		if (!b)
			return -3;
		x->buf = b;
		x->cap *= 2;
	}
	long long n = x->read(x->src, x->buf + x->len, x->cap - x->len);
	if (n < 0)
		return -1;
	if (n == 0)
		x->eof = true;
	x->len += (size_t)n;
	x->buf[x->len] = 0;
	return n > 0;
}

static inline bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* The entity at p ('&') before e, written at o: bytes written, and *p moved past its ';';
 * 0 when it is none XML knows. */
static size_t entity(const char **p, const char *e, char *o)
{
	const char *s = *p + 1, *semi = memchr(s, ';', (size_t)(e - s) < 12 ? (size_t)(e - s) : 12);
	if (!semi)
		return 0;
	size_t n = (size_t)(semi - s);
	char c = 0;
	if (n == 2 && memcmp(s, "lt", 2) == 0)
		c = '<';
	else if (n == 2 && memcmp(s, "gt", 2) == 0)
		c = '>';
	else if (n == 3 && memcmp(s, "amp", 3) == 0)
		c = '&';
	else if (n == 4 && memcmp(s, "quot", 4) == 0)
		c = '"';
	else if (n == 4 && memcmp(s, "apos", 4) == 0)
		c = '\'';
	if (c) {
		*o = c;
		*p = semi + 1;
		return 1;
	}
	if (n < 2 || s[0] != '#')
		return 0;
	uint32_t v = 0;
	bool hex = s[1] == 'x';
	const char *d = s + 1 + hex;
	if (d == semi)
		return 0;
	for (; d < semi; d++) {
		int k = *d >= '0' && *d <= '9' ? *d - '0' : !hex ? -1
			: *d >= 'a' && *d <= 'f' ? *d - 'a' + 10 : *d >= 'A' && *d <= 'F' ? *d - 'A' + 10 : -1;
		if (k < 0 || v > 0x10FFFF)
			return 0;
		v = v * (hex ? 16 : 10) + (uint32_t)k;
	}
	if (!(v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
	      (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF)))
		return 0;
	*p = semi + 1;
	return put_utf8(o, v);
}

/* Decodes [p, e) in place: entities, and line ends to "\n"; the new end, NULL when an
 * entity is unknown or a control character is there. */
static char *decode(char *p, char *e, bool text)
{
	char *o = p;
	const char *s = p;
	while (s < e) {
		unsigned char c = (unsigned char)*s;
		if (c == '&') {
			size_t n = entity(&s, e, o);
			if (!n)
				return NULL;
			o += n;
		} else if (c == '\r') {
			*o++ = '\n';
			s += s + 1 < e && s[1] == '\n' ? 2 : 1;
		} else if (c < 0x20 && c != '\t' && c != '\n') {
			return NULL;
		} else if (!text && (c == '\t' || c == '\n')) {
			*o++ = ' ';	/* an attribute value's white space is a space */
			s++;
		} else {
			*o++ = (char)c;
			s++;
		}
	}
	return o;
}

/* A run of text [p, e) (no '<' in it). */
static bool text_run(struct xmlscan *x, char *p, char *e)
{
	if (x->depth == 0) {	/* outside the root: white space only */
		for (; p < e; p++)
			if (!ws(*p))
				return false;
		return true;
	}
	const char *s = p;
	while (s < e && ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n') && *s != '&')
		s++;
	if (s == e) {
		x->text(x->ud, p, (int)(e - p));
		return true;
	}
	char *end = decode(p, e, true);	/* decoding only ever shortens: in place */
	if (!end)
		return false;
	if (end > p)
		x->text(x->ud, p, (int)(end - p));
	return true;
}

/* How many bytes at the end of [p, e) to keep for the next read: an entity or a "\r\n"
 * may be cut there. */
static size_t tail_to_keep(const char *p, const char *e)
{
	size_t n = (size_t)(e - p), look = n < 12 ? n : 12;
	for (size_t k = 1; k <= look; k++) {
		char c = e[-(long)k];
		if (c == ';')
			break;
		if (c == '&')
			return k;
	}
	return n && e[-1] == '\r' ? 1 : 0;
}

/* The '>' ending the tag at p, outside quoted values; NULL when not in [p, e). */
static char *tag_end(char *p, char *e)
{
	char q = 0;
	for (; p < e; p++) {
		char c = *p;
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'')
			q = c;
		else if (c == '>')
			return p;
	}
	return NULL;
}

static bool push(struct xmlscan *x, const char *name, size_t n)
{
	if (x->depth >= XS_DEPTH || x->nstack + n + 1 > XS_STACK)
		return false;
	x->at[x->depth++] = (uint32_t)x->nstack;
	memcpy(x->stack + x->nstack, name, n + 1);
	x->nstack += n + 1;
	return true;
}

static bool pop(struct xmlscan *x, const char *name, size_t n)
{
	if (x->depth == 0)
		return false;
	const char *top = x->stack + x->at[x->depth - 1];
	if (x->nstack - x->at[x->depth - 1] != n + 1 || memcmp(top, name, n) != 0)
		return false;
	x->nstack = x->at[--x->depth];
	return true;
}

/* A start tag, '<' at p, '>' at gt. */
static bool start_tag(struct xmlscan *x, char *p, char *gt)
{
	char *c = p + 1, *name = c;
	while (c < gt && !ws(*c) && *c != '/')
		c++;
	char *name_end = c;
	if (name_end == name || (x->depth == 0 && x->root_seen))
		return false;
	int na = 0;
	bool empty = false;
	for (;;) {
		while (c < gt && ws(*c))
			c++;
		if (c == gt)
			break;
		if (*c == '/') {
			if (c + 1 != gt)
				return false;
			empty = true;
			break;
		}
		char *an = c;
		while (c < gt && !ws(*c) && *c != '=' && *c != '/')
			c++;
		char *an_end = c;
		while (c < gt && ws(*c))
			c++;
		if (an_end == an || c >= gt || *c != '=')
			return false;
		c++;
		while (c < gt && ws(*c))
			c++;
		if (c >= gt || (*c != '"' && *c != '\''))
			return false;
		char q = *c++, *v = c, *ve = v;
		bool plain = true;	/* no entity, no white space to turn into spaces */
		for (; ve < gt && *ve != q; ve++) {
			if (*ve == '<')
				return false;
			if (*ve == '&' || (unsigned char)*ve < 0x20)
				plain = false;
		}
		if (ve == gt || na == XMLSCAN_MAX_ATTRS)
			return false;
		c = ve + 1;
		char *vend = plain ? ve : decode(v, ve, false);
		if (!vend)
			return false;
		*an_end = 0;
		*vend = 0;
		x->attrs[2 * na] = an;
		x->attrs[2 * na + 1] = v;
		na++;
	}
	x->attrs[2 * na] = NULL;
	*name_end = 0;
	if (!push(x, name, (size_t)(name_end - name)))
		return false;
	x->root_seen = true;
	x->start(x->ud, name, x->attrs);
	if (empty) {
		x->nstack = x->at[--x->depth];
		x->end(x->ud, name);
	}
	return true;
}

/* An end tag, "</" at p, '>' at gt. */
static bool end_tag(struct xmlscan *x, char *p, char *gt)
{
	char *name = p + 2, *c = name;
	while (c < gt && !ws(*c))
		c++;
	char *name_end = c;
	while (c < gt && ws(*c))
		c++;
	if (c != gt || !pop(x, name, (size_t)(name_end - name)))
		return false;
	*name_end = 0;
	x->end(x->ud, name);
	return true;
}

enum xmlscan_status xmlscan_run(struct xmlscan *x)
{
	if (x->failed)
		return x->failed;
	if (x->done)
		return XMLSCAN_END;
	x->stop = false;
	for (;;) {
		if (x->stop)
			return XMLSCAN_STOPPED;
		if (x->pos >= x->len || !x->began) {
			int f = x->pos >= x->len || x->len < 3 ? fill(x) : 1;
			if (f < 0)
				return fail(x, f == -1 || f == -3 ? XMLSCAN_IO : XMLSCAN_BAD);
			if (!x->began && (x->len - x->pos >= 3 || x->eof)) {
				x->began = true;
				if (x->len - x->pos >= 3 && memcmp(x->buf + x->pos, "\xEF\xBB\xBF", 3) == 0)
					x->pos += 3;
				continue;
			}
			if (f == 0 && x->pos >= x->len) {
				if (x->depth || !x->root_seen)
					return fail(x, XMLSCAN_BAD);
				x->done = true;
				return XMLSCAN_END;
			}
			continue;
		}
		char *p = x->buf + x->pos, *e = x->buf + x->len;
		if (*p != '<') {
			char *q = memchr(p, '<', (size_t)(e - p));
			if (!q && !x->eof) {
				size_t keep = tail_to_keep(p, e);
				if ((size_t)(e - p) > keep) {
					if (!text_run(x, p, e - keep))
						return fail(x, XMLSCAN_BAD);
					x->pos = x->len - keep;
					continue;
				}
				int f = fill(x);
				if (f < 0)
					return fail(x, f == -1 || f == -3 ? XMLSCAN_IO : XMLSCAN_BAD);
				continue;
			}
			char *end = q ? q : e;
			if (!text_run(x, p, end))
				return fail(x, XMLSCAN_BAD);
			x->pos = (size_t)(end - x->buf);
			continue;
		}
		/* markup: its whole token must be in the buffer */
		size_t have = (size_t)(e - p);
		char *gt = NULL;
		size_t skip = 0;	/* a comment, a processing instruction: bytes to pass over */
		bool ok = true, more = false;
		if (have >= 2 && p[1] == '!') {
			if (have >= 4 && memcmp(p, "<!--", 4) == 0) {
				const char *z = memmem(p + 4, have - 4, "-->", 3);
				if (z)
					skip = (size_t)(z + 3 - p);
				else
					more = true;
			} else if (have >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
				const char *z = memmem(p + 9, have - 9, "]]>", 3);
				if (!z)
					more = true;
				else if (x->depth == 0 || (size_t)(z + 3 - p) > XMLSCAN_MAX_TOKEN)
					ok = false;
				else {
					if (z > p + 9)
						x->text(x->ud, p + 9, (int)(z - (p + 9)));
					skip = (size_t)(z + 3 - p);
				}
			} else if (have < 9 && !x->eof) {
				more = true;	/* too few bytes yet to tell */
			} else
				ok = false;	/* a document type declaration, or nothing XML knows */
		} else if (have >= 2 && p[1] == '?') {
			const char *z = memmem(p + 2, have - 2, "?>", 2);
			if (z)
				skip = (size_t)(z + 2 - p);
			else
				more = true;
		} else if (have >= 2) {
			gt = tag_end(p + 1, e);
			if (!gt)
				more = true;
			else if ((size_t)(gt + 1 - p) > XMLSCAN_MAX_TOKEN)
				ok = false;	/* the limit is the token's, however much was read */
			else if (p[1] == '/')
				ok = end_tag(x, p, gt);
			else
				ok = start_tag(x, p, gt);
			if (gt)
				skip = (size_t)(gt + 1 - p);
		} else
			more = true;
		if (!ok || skip > XMLSCAN_MAX_TOKEN || (more && have > XMLSCAN_MAX_TOKEN))
			return fail(x, XMLSCAN_BAD);
		if (more) {
			if (x->eof)
				return fail(x, XMLSCAN_BAD);	/* cut off inside a tag */
			int f = fill(x);
			if (f < 0)
				return fail(x, f == -1 || f == -3 ? XMLSCAN_IO : XMLSCAN_BAD);
			continue;
		}
		x->pos += skip;
	}
}
