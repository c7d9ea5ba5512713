/* multipart: streaming multipart/form-data parsing (see multipart.h). */
#include "web/multipart.h"

#include <string.h>
#include <strings.h>

enum { S_PREAMBLE, S_AFTER_DELIM, S_AFTER_DELIM_CR, S_AFTER_DELIM_DASH, S_HEADERS, S_BODY,
       S_EPILOGUE, S_FAILED };

/* RFC 2046 bchars, without the space (allowed inside but never at the end: we take none). */
static bool bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("'()+_,-./:=?", c) != NULL;
}

bool multipart_boundary(const char *ct, char *out)
{
	static const char type[] = "multipart/form-data";
	if (!ct || strncasecmp(ct, type, sizeof(type) - 1) != 0)
		return false;
	const char *p = ct + sizeof(type) - 1;
	while (*p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		const char *eq = strchr(p, '=');
		if (!eq)
			return false;
		bool is_boundary = (size_t)(eq - p) == 8 && strncasecmp(p, "boundary", 8) == 0;
		const char *v = eq + 1, *e;
		if (*v == '"') {
			e = strchr(++v, '"');
			if (!e)
				return false;
		} else {
			e = v + strcspn(v, "; \t");
		}
		if (is_boundary) {
			size_t n = (size_t)(e - v);
			if (n == 0 || n > MULTIPART_MAX_BOUNDARY)
				return false;
			for (size_t i = 0; i < n; i++)
				if (!bchar(v[i]))
					return false;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
		p = *e == '"' ? e + 1 : e;
	}
	return false;
}

void multipart_init(struct multipart *m, const char *boundary,
		    int (*on_part)(void *ctx, const struct multipart_part *part),
		    int (*on_data)(void *ctx, const char *data, size_t n), void *ctx)
{
	memset(m, 0, sizeof(*m));
	size_t n = strlen(boundary);
	if (n > MULTIPART_MAX_BOUNDARY)
		n = MULTIPART_MAX_BOUNDARY;
	memcpy(m->delim, "\r\n--", 4);
	memcpy(m->delim + 4, boundary, n);
	m->dlen = n + 4;
	/* KMP: fail[i] is the length of the longest proper prefix of delim[0..i] that is
	 * also its suffix, so a partial match falls back without re-reading input. */
	m->fail[0] = 0;
	for (size_t i = 1, k = 0; i < m->dlen; i++) {
		while (k && m->delim[i] != m->delim[k])
			k = m->fail[k - 1];
		if (m->delim[i] == m->delim[k])
			k++;
		m->fail[i] = (unsigned char)k;
	}
	m->k = 2;	/* the body may begin with "--boundary": as if a CRLF came before it */
	m->state = S_PREAMBLE;
	m->on_part = on_part;
	m->on_data = on_data;
	m->ctx = ctx;
}

static enum multipart_error fail(struct multipart *m, enum multipart_error e)
{
	m->error = e;
	m->state = S_FAILED;
	return e;
}

/* Splits "form-data; name=\"x\"; filename=\"y\"" in place; false when malformed. */
static bool disposition(char *v, struct multipart_part *part)
{
	if (strncasecmp(v, "form-data", 9) != 0 || (v[9] && v[9] != ';' && v[9] != ' '))
		return false;
	char *p = v + 9;
	while (*p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *eq = strchr(p, '=');
		if (!eq)
			return false;
		char *key = p, *val = eq + 1, *end;
		*eq = '\0';
		if (*val == '"') {
			end = strchr(++val, '"');
			if (!end)
				return false;
		} else {
			end = val + strcspn(val, "; \t");
		}
		char next = *end;
		*end = '\0';
		p = next ? end + 1 : end;
		if (strcasecmp(key, "name") == 0) {
			if (part->name)
				return false;	/* two names: which one? */
			part->name = val;
		} else if (strcasecmp(key, "filename") == 0) {
			if (part->filename)
				return false;
			part->filename = val;
		}
	}
	return part->name && *part->name;
}

/* The header block of a part, ending in CRLF CRLF: finds its name and file name. */
static bool parse_headers(struct multipart *m, struct multipart_part *part)
{
	char *p = m->head, *end = m->head + m->hlen - 2;	/* before the last CRLF */
	bool have_disposition = false;
	memset(part, 0, sizeof(*part));
	if (memchr(m->head, '\0', m->hlen))
		return false;	/* a NUL would cut a name short unseen */
	while (p < end) {
		char *eol = strstr(p, "\r\n");
		if (!eol || eol > end)
			return false;
		*eol = '\0';
		char *colon = strchr(p, ':');
		if (!colon || colon == p)
			return false;
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcasecmp(p, "Content-Disposition") == 0) {
			if (have_disposition || !disposition(v, part))
				return false;
			have_disposition = true;
		} else if (strcasecmp(p, "Content-Type") == 0) {
			part->content_type = v;
		}
		p = eol + 2;
	}
	return have_disposition;
}

/* Body bytes of the current part up to the next delimiter; returns how many were used. */
static size_t body(struct multipart *m, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (m->k == 0) {
			const char *cr = memchr(p + i, '\r', n - i);
			size_t j = cr ? (size_t)(cr - p) : n;
			if (j > i && m->on_data(m->ctx, p + i, j - i)) {
				fail(m, MULTIPART_STOPPED);
				return n;
			}
			i = j;
			if (!cr)
				break;
			m->k = 1;
			i++;
			continue;
		}
		char c = p[i];
		if (c == m->delim[m->k]) {
			i++;
			if (++m->k == m->dlen) {
				m->k = 0;
				m->state = S_AFTER_DELIM;
				return i;
			}
			continue;
		}
		/* A partial match broke: what no longer can start the delimiter was data, and
		 * it equals the delimiter's own first bytes, whichever piece it came in. */
		size_t k = m->k;
		while (k && c != m->delim[k])
			k = m->fail[k - 1];
		if (m->on_data(m->ctx, m->delim, m->k - k)) {
			fail(m, MULTIPART_STOPPED);
			return n;
		}
		m->k = k;
		if (k && c == m->delim[k]) {	/* c extends the shorter match */
			m->k++;
			i++;
		}
	}
	return i;
}

enum multipart_error multipart_feed(struct multipart *m, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && m->state != S_FAILED) {
		switch (m->state) {
		case S_PREAMBLE:	/* before the first delimiter: matched, never kept */
			if (p[i] == m->delim[m->k]) {
				if (++m->k == m->dlen) {
					m->k = 0;
					m->state = S_AFTER_DELIM;
				}
			} else {
				size_t k = m->k;
				while (k && p[i] != m->delim[k])
					k = m->fail[k - 1];
				m->k = k + (p[i] == m->delim[k]);
			}
			i++;
			break;
		case S_AFTER_DELIM:	/* CRLF: a part follows; "--": the end */
			m->state = p[i] == '\r' ? S_AFTER_DELIM_CR : p[i] == '-' ? S_AFTER_DELIM_DASH
				 : S_FAILED;
			if (m->state == S_FAILED)
				return fail(m, MULTIPART_BAD_FRAMING);
			i++;
			break;
		case S_AFTER_DELIM_CR:
			if (p[i++] != '\n')
				return fail(m, MULTIPART_BAD_FRAMING);
			m->state = S_HEADERS;
			m->hlen = 0;
			break;
		case S_AFTER_DELIM_DASH:
			if (p[i++] != '-')
				return fail(m, MULTIPART_BAD_FRAMING);
			m->state = S_EPILOGUE;
			break;
		case S_HEADERS: {
			if (m->hlen == MULTIPART_MAX_HEADER)
				return fail(m, MULTIPART_HEADERS_TOO_LONG);
			m->head[m->hlen++] = p[i++];
			m->head[m->hlen] = '\0';
			if (m->hlen == 2 && memcmp(m->head, "\r\n", 2) == 0)
				return fail(m, MULTIPART_BAD_HEADERS);	/* a part with no headers */
			if (m->hlen >= 4 && memcmp(m->head + m->hlen - 4, "\r\n\r\n", 4) == 0) {
				struct multipart_part part;
				if (!parse_headers(m, &part))
					return fail(m, MULTIPART_BAD_HEADERS);
				m->nparts++;
				if (m->on_part(m->ctx, &part))
					return fail(m, MULTIPART_STOPPED);
				m->state = S_BODY;
				m->k = 0;
			}
			break;
		}
		case S_BODY:
			i += body(m, p + i, n - i);
			break;
		case S_EPILOGUE:	/* after the closing delimiter: ignored, as RFC 2046 says */
			return MULTIPART_OK;
		}
	}
	return m->error;
}

enum multipart_error multipart_finish(struct multipart *m)
{
	if (m->state == S_FAILED)
		return m->error;
	if (m->state != S_EPILOGUE)
		return fail(m, m->nparts || m->state != S_PREAMBLE ? MULTIPART_UNTERMINATED
					  : MULTIPART_BAD_FRAMING);
	return MULTIPART_OK;
}
