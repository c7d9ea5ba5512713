/* rowread: streaming rows of CSV (UTF-8 / GB18030) and XLSX (libzip + expat) files. */
#include "core/rowread.h"

#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "core/utf8.h"

#define CHUNK (64u << 10)

enum enc { ENC_UTF8, ENC_UTF8_BOM, ENC_GB18030 };

/* One row being built: cell texts in one growable block, cells as offsets until done. */
struct rowbuf {
	char *text;
	size_t len, cap;
	size_t off[ROWREAD_MAX_COLS];
	struct rowread_cell cells[ROWREAD_MAX_COLS];
	int ncells;
	bool overflow;
};

struct rowread {
	bool xlsx;
	bool date1904;		/* the workbook counts days from 1904 (old Mac Excel) */
	enum rowread_status err;
	long blank;
	int where_sheet;
	long where_row;
	struct rowbuf row;
	struct rowread_sheet *sheets;
	int nsheets;

	/* CSV */
	FILE *f;
	enum enc enc;
	iconv_t cd;
	char *buf;		/* [pos, len) unread bytes */
	size_t pos, len, cap;
	bool eof;
	long line;

	/* XLSX */
	zip_t *zip;
	char **sheet_paths;
	char **shared;
	size_t nshared;
	bool *date_style;	/* per cellXfs index */
	size_t nstyles;
	int cur;		/* sheet being read, -1 before the first */
	zip_file_t *zf;
	XML_Parser xp;
	char *chunk;
	bool sheet_done, row_ready, xml_bad;
	/* parser state inside a sheet */
	long row_num, next_row;
	int col, next_col, cell_style;
	char cell_type[16];
	bool in_v, in_t, in_is, in_cell, cell_formula;
	struct rowbuf val;	/* the current cell's text (uses text/len only) */
};

/* ---------------------------------------------------------------- row building */

static bool rb_add(struct rowbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *t = realloc(b->text, cap);
		if (!t)
			return false;
		b->text = t;
		b->cap = cap;
	}
	memcpy(b->text + b->len, s, n);
	b->len += n;
	b->text[b->len] = 0;
	return true;
}

static void rb_reset(struct rowbuf *b)
{
	b->len = 0;
	b->ncells = 0;
	b->overflow = false;
	if (b->text)
		b->text[0] = 0;
}

/* Sets cell `col` (filling the columns before it with empty cells). */
static bool rb_cell(struct rowbuf *b, int col, enum rowread_kind kind, const char *s, size_t n,
		    bool formula)
{
	if (col >= ROWREAD_MAX_COLS && n == 0 && !formula)
		return true;	/* nothing in it (a cell formatted far out, a CSV's trailing commas) */
	if (col >= ROWREAD_MAX_COLS || n > ROWREAD_MAX_CELL * 4) {
		b->overflow = true;
		return true;
	}
	while (b->ncells < col) {
		b->cells[b->ncells] = (struct rowread_cell){ROWREAD_EMPTY, NULL, false};
		b->off[b->ncells++] = SIZE_MAX;
	}
	if (col < b->ncells) {	/* a repeated column reference: the later one wins, and the
				 * text of the cells it drops goes too (a row repeating one
				 * cell must not grow without end) */
		for (int i = col; i < b->ncells; i++)
			if (b->off[i] != SIZE_MAX && b->off[i] < b->len)
				b->len = b->off[i];
		b->ncells = col;
	}
	size_t at = b->len;
	if (!rb_add(b, s, n) || !rb_add(b, "", 1))
		return false;
	b->cells[col] = (struct rowread_cell){n ? kind : ROWREAD_EMPTY, NULL, formula};
	b->off[col] = at;
	b->ncells = col + 1;
	return true;
}

/* Points the cells at their text; false when every cell is empty. */
static bool rb_finish(struct rowbuf *b)
{
	bool any = false;
	for (int i = 0; i < b->ncells; i++) {
		b->cells[i].text = b->off[i] == SIZE_MAX ? "" : b->text + b->off[i];
		if (b->cells[i].formula || *b->cells[i].text)
			any = true;
		else
			b->cells[i].kind = ROWREAD_EMPTY;
	}
	while (b->ncells && b->cells[b->ncells - 1].kind == ROWREAD_EMPTY &&
	       !b->cells[b->ncells - 1].formula)
		b->ncells--;
	return any;
}

/* ---------------------------------------------------------------- sniffing */

static bool has_utf16(const char *p, size_t n, const char *ascii)
{
	size_t m = strlen(ascii);
	for (size_t i = 0; i + 2 * m <= n; i++) {
		size_t k = 0;
		while (k < m && p[i + 2 * k] == ascii[k] && p[i + 2 * k + 1] == 0)
			k++;
		if (k == m)
			return true;
	}
	return false;
}

/* An OLE compound file: encrypted OOXML keeps its package in a stream "EncryptedPackage"
 * beside "EncryptionInfo"; anything else is a legacy binary workbook. */
static enum rowread_status classify_ole(FILE *f)
{
	char *b = malloc(CHUNK + 64);
	size_t n, keep = 0;
	enum rowread_status st = ROWREAD_OLD_XLS;
	if (!b)
		return ROWREAD_IO;
	rewind(f);
	while ((n = fread(b + keep, 1, CHUNK, f)) > 0) {
		if (has_utf16(b, keep + n, "EncryptionInfo") ||
		    has_utf16(b, keep + n, "EncryptedPackage")) {
			st = ROWREAD_ENCRYPTED;
			break;
		}
		/* keep the last 40 bytes, so a name split across two reads is still found */
		size_t have = keep + n, tail = have < 40 ? have : 40;
		memmove(b, b + have - tail, tail);
		keep = tail;
	}
	free(b);
	return st;
}

/* ---------------------------------------------------------------- CSV */

static bool utf8_prefix_valid(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
			: (c & 0xF8) == 0xF0 ? 3 : 9;
		if (need == 9 || (c & 0xFE) == 0xC0)
			return false;
		if (i + need >= n)	/* cut at the end of the sample: not a verdict */
			return true;
		for (size_t k = 1; k <= need; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		i += need + 1;
	}
	return true;
}

static bool csv_fill(struct rowread *r)
{
	if (r->eof)
		return false;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < CHUNK) {
		size_t cap = r->cap * 2;
		if (cap > (size_t)ROWREAD_MAX_COLS * ROWREAD_MAX_CELL * 2)
			return false;
		char *t = realloc(r->buf, cap);
		if (!t)
			return false;
		r->buf = t;
		r->cap = cap;
	}
	size_t n = fread(r->buf + r->len, 1, r->cap - r->len, r->f);
	r->len += n;
	if (n == 0)
		r->eof = true;
	return n > 0;
}

/* Converts a field to UTF-8 (GB18030) or checks it (UTF-8) and adds it to the row. */
static enum rowread_status csv_field(struct rowread *r, int col, const char *s, size_t n)
{
	if (r->enc != ENC_GB18030) {
		if (!utf8_valid(s, n))
			return ROWREAD_BAD_TEXT;
		return rb_cell(&r->row, col, ROWREAD_TEXT, s, n, false) ? ROWREAD_OK : ROWREAD_IO;
	}
	char out[4 * 1024], *in = (char *)s;
	size_t inleft = n;
	size_t at = r->row.len;
	bool first = true;
	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (inleft) {
		char *o = out;
		size_t oleft = sizeof(out);
		size_t rc = iconv(r->cd, &in, &inleft, &o, &oleft);
		if (rc == (size_t)-1 && errno != E2BIG)
			return ROWREAD_BAD_TEXT;
		if (first) {
			if (!rb_cell(&r->row, col, ROWREAD_TEXT, out, (size_t)(o - out), false))
				return ROWREAD_IO;
			first = false;
		} else {
			/* append to the cell just added: drop its NUL, add, NUL again */
			r->row.len--;
			if (!rb_add(&r->row, out, (size_t)(o - out)) || !rb_add(&r->row, "", 1))
				return ROWREAD_IO;
		}
	}
	if (first)
		return rb_cell(&r->row, col, ROWREAD_TEXT, "", 0, false) ? ROWREAD_OK : ROWREAD_IO;
	if (r->row.len - at > ROWREAD_MAX_CELL * 4)
		return ROWREAD_TOO_WIDE;
	if (r->row.len - 1 > at)
		r->row.cells[col].kind = ROWREAD_TEXT;
	return ROWREAD_OK;
}

/* One record from [pos, len); ROWREAD_END when more bytes are needed (need = true). */
static enum rowread_status csv_record(struct rowread *r, bool *need)
{
	const char *p = r->buf + r->pos, *end = r->buf + r->len;
	int col = 0;
	long lines = 1;
	char *unq = NULL;
	size_t unq_len = 0, unq_cap = 0;
	enum rowread_status st = ROWREAD_OK;
	*need = false;
	rb_reset(&r->row);
	for (;;) {
		const char *s;
		size_t n;
		if (p < end && *p == '"') {
			p++;
			unq_len = 0;
			for (;;) {
				if (p >= end) {
					*need = true;
					goto out;
				}
				if (*p == '"') {
					if (p + 1 >= end && !r->eof) {
						*need = true;
						goto out;
					}
					if (p + 1 < end && p[1] == '"') {
						p++;
					} else {
						p++;
						break;
					}
				} else if (*p == '\n')
					lines++;
				if (unq_len + 1 > unq_cap) {
					unq_cap = unq_cap ? unq_cap * 2 : 256;
					char *t = realloc(unq, unq_cap);
					if (!t) {
						st = ROWREAD_IO;
						goto out;
					}
					unq = t;
				}
				unq[unq_len++] = *p++;
			}
			if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
				st = ROWREAD_BAD_CSV;
				goto out;
			}
			s = unq ? unq : "";
			n = unq_len;
		} else {
			s = p;
			while (p < end && *p != ',' && *p != '\n' && *p != '\r')
				p++;
			n = (size_t)(p - s);
		}
		if (p >= end && !r->eof) {
			*need = true;
			goto out;
		}
		if (col >= ROWREAD_MAX_COLS && n) {
			st = ROWREAD_TOO_WIDE;
			goto out;
		}
		/* an empty field past the last column is nothing (a row of trailing commas) */
		if (col < ROWREAD_MAX_COLS && (st = csv_field(r, col, s, n)) != ROWREAD_OK)
			goto out;
		col++;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '\r') {
			p++;
			if (p >= end && !r->eof) {
				*need = true;
				goto out;
			}
		}
		if (p < end && *p == '\n')
			p++;
		break;
	}
	r->pos = (size_t)(p - r->buf);
	r->row_num = r->line + 1;
	r->line += lines;
out:
	free(unq);
	return st;
}

static enum rowread_status csv_next(struct rowread *r, struct rowread_row *row)
{
	for (;;) {
		if (r->pos >= r->len && !csv_fill(r) && r->pos >= r->len)
			return r->eof ? ROWREAD_END : ROWREAD_TOO_WIDE;
		bool need;
		enum rowread_status st = csv_record(r, &need);
		if (st != ROWREAD_OK) {
			r->where_row = r->line + 1;
			return st;
		}
		if (need) {
			if (!csv_fill(r) && !r->eof) {
				r->where_row = r->line + 1;
				return ROWREAD_TOO_WIDE;
			}
			if (r->eof && r->pos >= r->len)
				return ROWREAD_END;
			if (r->eof) {
				/* last chance with every byte in: an open quote now is an error */
				st = csv_record(r, &need);
				if (st == ROWREAD_OK && need)
					st = ROWREAD_BAD_CSV;
				if (st != ROWREAD_OK) {
					r->where_row = r->line + 1;
					return st;
				}
			} else
				continue;
		}
		if (!rb_finish(&r->row)) {
			r->blank++;
			continue;
		}
		*row = (struct rowread_row){0, "", r->row_num, r->row.ncells, r->row.cells};
		return ROWREAD_OK;
	}
}

static enum rowread_status csv_open(struct rowread *r, FILE *f)
{
	r->f = f;
	r->cap = 4 * CHUNK;
	if (!(r->buf = malloc(r->cap)))
		return ROWREAD_IO;
	rewind(f);
	csv_fill(r);
	const unsigned char *u = (const unsigned char *)r->buf;
	if (r->len >= 3 && memcmp(u, "\xEF\xBB\xBF", 3) == 0) {
		r->enc = ENC_UTF8_BOM;
		r->pos = 3;
	} else if (utf8_prefix_valid(u, r->len)) {
		r->enc = ENC_UTF8;
	} else {
		r->enc = ENC_GB18030;
		r->cd = iconv_open("UTF-8", "GB18030");
		if (r->cd == (iconv_t)-1)
			return ROWREAD_IO;
	}
	r->sheets = calloc(1, sizeof(*r->sheets));
	if (!r->sheets || !(r->sheets[0].name = strdup("")))
		return ROWREAD_IO;
	r->nsheets = 1;
	return ROWREAD_OK;
}

/* ---------------------------------------------------------------- XLSX: small parts */

/* Reads a whole (small) part of the package; NULL when absent or too large. */
static char *zip_slurp(zip_t *z, const char *name, size_t limit, size_t *len, bool *absent)
{
	zip_stat_t st;
	*absent = false;
	if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
		*absent = true;
		return NULL;
	}
	if (st.size > limit)
		return NULL;
	zip_file_t *zf = zip_fopen(z, name, 0);
	if (!zf)
		return NULL;
	char *b = malloc(st.size + 1);
	zip_int64_t n = b ? zip_fread(zf, b, st.size) : -1;
	zip_fclose(zf);
	if (n < 0 || (zip_uint64_t)n != st.size) {
		free(b);
		return NULL;
	}
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (int i = 0; a[i]; i += 2) {
		const char *k = a[i], *colon = strchr(k, ':');
		if (strcmp(k, name) == 0 || (colon && strcmp(colon + 1, name) == 0 &&
					    !strchr(name, ':')))
			return a[i + 1];
	}
	return NULL;
}

/* The local name of an element (namespace prefixes dropped). */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

/* workbook.xml and its relationships: sheet names, states and part paths. */
struct wb_parse {
	struct rowread *r;
	char **ids;
	bool bad;
	/* rels */
	char **rel_ids, **rel_targets;
	int nrels;
};

static void wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct wb_parse *w = ud;
	struct rowread *r = w->r;
	if (strcmp(local(name), "workbookPr") == 0) {
		const char *d = attr(a, "date1904");
		r->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
		return;
	}
	if (strcmp(local(name), "sheet") != 0)
		return;
	const char *n = attr(a, "name"), *state = attr(a, "state"), *id = attr(a, "r:id");
	if (!id)
		id = attr(a, "id");
	if (!n || !id || r->nsheets >= 1024) {
		w->bad = true;
		return;
	}
	struct rowread_sheet *s = realloc(r->sheets, sizeof(*s) * (size_t)(r->nsheets + 1));
	char **ids = realloc(w->ids, sizeof(char *) * (size_t)(r->nsheets + 1));
	if (s)
		r->sheets = s;
	if (ids)
		w->ids = ids;
	if (!s || !ids) {
		w->bad = true;
		return;
	}
	s[r->nsheets] = (struct rowread_sheet){.name = strdup(n),
		.hidden = state && strcmp(state, "visible") != 0};
	ids[r->nsheets] = strdup(id);
	r->nsheets++;
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct wb_parse *w = ud;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *id = attr(a, "Id"), *t = attr(a, "Target");
	if (!id || !t)
		return;
	char **i = realloc(w->rel_ids, sizeof(char *) * (size_t)(w->nrels + 1));
	if (i)
		w->rel_ids = i;
	char **g = realloc(w->rel_targets, sizeof(char *) * (size_t)(w->nrels + 1));
	if (g)
		w->rel_targets = g;
	if (!i || !g) {
		w->bad = true;
		return;
	}
	i[w->nrels] = strdup(id);
	g[w->nrels] = strdup(t);
	w->nrels++;
}

static bool xml_parse_all(const char *text, size_t len, void *ud, XML_StartElementHandler s,
			  XML_EndElementHandler e, XML_CharacterDataHandler c)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return false;
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, s, e);
	if (c)
		XML_SetCharacterDataHandler(p, c);
	bool ok = XML_Parse(p, text, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(p);
	return ok;
}

/* sharedStrings.xml: every <si>'s text runs (<t>), phonetic runs (<rPh>) left out. */
struct ss_parse {
	struct rowread *r;
	struct rowbuf cur;
	bool in_si, in_t, in_rph, bad;
	size_t cap, bytes;
};

static void ss_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	(void)a;
	struct ss_parse *s = ud;
	const char *l = local(name);
	if (strcmp(l, "si") == 0) {
		s->in_si = true;
		s->cur.len = 0;
	} else if (strcmp(l, "rPh") == 0)
		s->in_rph = true;
	else if (strcmp(l, "t") == 0 && s->in_si && !s->in_rph)
		s->in_t = true;
}

static void ss_end(void *ud, const XML_Char *name)
{
	struct ss_parse *s = ud;
	struct rowread *r = s->r;
	const char *l = local(name);
	if (strcmp(l, "t") == 0)
		s->in_t = false;
	else if (strcmp(l, "rPh") == 0)
		s->in_rph = false;
	else if (strcmp(l, "si") == 0) {
		s->in_si = false;
		if (r->nshared == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 1024;
			char **t = realloc(r->shared, cap * sizeof(char *));
			if (!t) {
				s->bad = true;
				return;
			}
			r->shared = t;
			s->cap = cap;
		}
		char *t = strndup(s->cur.text ? s->cur.text : "", s->cur.len);
		if (!t) {
			s->bad = true;
			return;
		}
		/* what the string really costs: its bytes, the allocator's least chunk, the slot */
		s->bytes += s->cur.len + 1 + 32 + sizeof(char *);
		if (s->bytes > ROWREAD_MAX_SHARED)
			s->bad = true;
		r->shared[r->nshared++] = t;
	}
}

/* A text longer than any cell Excel can hold (32,767 characters, 4 bytes each at most) is
 * no workbook's: refused as it grows, so a few compressed kilobytes cannot expand into
 * gigabytes of one string. */
#define TEXT_MAX ((size_t)ROWREAD_MAX_CELL * 4)

static void ss_text(void *ud, const XML_Char *t, int n)
{
	struct ss_parse *s = ud;
	if (s->in_t && (s->cur.len + (size_t)n > TEXT_MAX || !rb_add(&s->cur, t, (size_t)n)))
		s->bad = true;
}

/* The shared strings, streamed: the part can be large. */
static enum rowread_status load_shared(struct rowread *r)
{
	zip_stat_t st;
	if (zip_stat(r->zip, "xl/sharedStrings.xml", 0, &st) != 0)
		return ROWREAD_OK;	/* a workbook of numbers only */
	zip_file_t *zf = zip_fopen(r->zip, "xl/sharedStrings.xml", 0);
	if (!zf)
		return ROWREAD_CORRUPT;
	struct ss_parse s = {.r = r};
	XML_Parser p = XML_ParserCreate("UTF-8");
	char *b = malloc(CHUNK);
	enum rowread_status rc = p && b ? ROWREAD_OK : ROWREAD_IO;
	if (p) {
		XML_SetUserData(p, &s);
		XML_SetElementHandler(p, ss_start, ss_end);
		XML_SetCharacterDataHandler(p, ss_text);
	}
	while (rc == ROWREAD_OK) {
		zip_int64_t n = zip_fread(zf, b, CHUNK);
		if (n < 0) {
			rc = ROWREAD_CORRUPT;
			break;
		}
		if (XML_Parse(p, b, (int)n, n == 0) != XML_STATUS_OK)
			rc = ROWREAD_CORRUPT;
		if (s.bad)
			rc = s.bytes > ROWREAD_MAX_SHARED ? ROWREAD_TOO_LARGE : ROWREAD_IO;
		if (n == 0)
			break;
	}
	free(s.cur.text);
	free(b);
	if (p)
		XML_ParserFree(p);
	zip_fclose(zf);
	return rc;
}

/* styles.xml: which cell formats (cellXfs) show numbers as dates. */
struct st_parse {
	struct rowread *r;
	int date_fmts[512];
	int ndate_fmts;
	bool in_xfs, bad;
	size_t cap;
};

static bool builtin_date_fmt(int id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

/* A custom number format is a date when it has y, m, d, h or s outside quotes and
 * brackets ("[Red]", "[$-804]") and is not only elapsed time or text. */
static bool code_is_date(const char *c)
{
	bool q = false, br = false;
	for (; *c; c++) {
		if (*c == '"')
			q = !q;
		else if (!q && *c == '[')
			br = true;
		else if (!q && *c == ']')
			br = false;
		else if (!q && !br && *c == '\\' && c[1])
			c++;
		else if (!q && !br && strchr("yYmMdD", *c))
			return true;
	}
	return false;
}

static void st_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct st_parse *s = ud;
	struct rowread *r = s->r;
	const char *l = local(name);
	if (strcmp(l, "numFmt") == 0) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (id && code && code_is_date(code) && s->ndate_fmts < 512)
			s->date_fmts[s->ndate_fmts++] = atoi(id);
	} else if (strcmp(l, "cellXfs") == 0) {
		s->in_xfs = true;
	} else if (strcmp(l, "xf") == 0 && s->in_xfs) {
		const char *id = attr(a, "numFmtId");
		int f = id ? atoi(id) : 0;
		bool date = builtin_date_fmt(f);
		for (int i = 0; i < s->ndate_fmts; i++)
			date = date || s->date_fmts[i] == f;
		if (r->nstyles == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			bool *t = realloc(r->date_style, cap * sizeof(bool));
			if (!t) {
				s->bad = true;
				return;
			}
			r->date_style = t;
			s->cap = cap;
		}
		r->date_style[r->nstyles++] = date;
	}
}

static void st_end(void *ud, const XML_Char *name)
{
	struct st_parse *s = ud;
	if (strcmp(local(name), "cellXfs") == 0)
		s->in_xfs = false;
}

/* ---------------------------------------------------------------- XLSX: sheets */

static int col_of_ref(const char *ref)
{
	int c = 0;
	bool any = false;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
		c = c * 26 + (*ref - 'A' + 1);
		any = true;
		if (c > 100000)
			return -1;
	}
	return any ? c - 1 : -1;
}

static void sh_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct rowread *r = ud;
	const char *l = local(name);
	if (strcmp(l, "row") == 0) {
		const char *n = attr(a, "r");
		r->row_num = n ? atol(n) : r->next_row;
		r->next_row = r->row_num + 1;
		r->next_col = 0;
		rb_reset(&r->row);
	} else if (strcmp(l, "c") == 0) {
		const char *ref = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		int c = ref ? col_of_ref(ref) : r->next_col;
		r->col = c < 0 ? r->next_col : c;
		r->next_col = r->col + 1;
		snprintf(r->cell_type, sizeof(r->cell_type), "%s", t ? t : "n");
		r->cell_style = s ? atoi(s) : 0;
		r->in_cell = true;
		r->cell_formula = false;
		r->val.len = 0;
	} else if (r->in_cell && strcmp(l, "v") == 0) {
		r->in_v = true;
	} else if (r->in_cell && strcmp(l, "f") == 0) {
		r->cell_formula = true;
	} else if (r->in_cell && strcmp(l, "is") == 0) {
		r->in_is = true;
	} else if (r->in_is && strcmp(l, "t") == 0) {
		r->in_t = true;
	} else if (strcmp(l, "rPh") == 0) {
		r->in_is = false;	/* phonetic runs of an inline string are not its text */
	} else if (strcmp(l, "mergeCell") == 0 && r->cur >= 0) {
		struct rowread_sheet *sh = &r->sheets[r->cur];
		const char *ref = attr(a, "ref");
		if (!sh->merged++ && ref)
			snprintf(sh->first_merged, sizeof(sh->first_merged), "%s", ref);
	}
}

static void sh_end(void *ud, const XML_Char *name)
{
	struct rowread *r = ud;
	const char *l = local(name);
	if (strcmp(l, "v") == 0) {
		r->in_v = false;
	} else if (strcmp(l, "t") == 0) {
		r->in_t = false;
	} else if (strcmp(l, "is") == 0) {
		r->in_is = false;
	} else if (strcmp(l, "c") == 0 && r->in_cell) {
		r->in_cell = false;
		const char *v = r->val.text ? r->val.text : "";
		size_t n = r->val.len;
		enum rowread_kind kind = ROWREAD_TEXT;
		const char *t = r->cell_type;
		if (strcmp(t, "s") == 0) {
			char *end;
			unsigned long i = strtoul(v, &end, 10);
			if (!n || *end || i >= r->nshared) {
				r->xml_bad = true;
				XML_StopParser(r->xp, XML_FALSE);
				return;
			}
			v = r->shared[i];
			n = strlen(v);
		} else if (strcmp(t, "b") == 0) {
			v = n && v[0] == '1' ? "TRUE" : "FALSE";
			n = strlen(v);
			kind = ROWREAD_BOOL;
		} else if (strcmp(t, "e") == 0) {
			kind = ROWREAD_ERROR;
		} else if (strcmp(t, "n") == 0) {
			kind = (size_t)r->cell_style < r->nstyles && r->date_style[r->cell_style]
				? ROWREAD_DATE : ROWREAD_NUMBER;
		}
		if (!rb_cell(&r->row, r->col, kind, v, n, r->cell_formula)) {
			r->xml_bad = true;
			XML_StopParser(r->xp, XML_FALSE);
		}
	} else if (strcmp(l, "row") == 0) {
		r->row_ready = true;
		XML_StopParser(r->xp, XML_TRUE);
	} else if (strcmp(l, "sheetData") == 0) {
		r->in_cell = false;
	}
}

static void sh_text(void *ud, const XML_Char *t, int n)
{
	struct rowread *r = ud;
	if ((r->in_v || r->in_t) && r->in_cell &&
	    (r->val.len + (size_t)n > TEXT_MAX || !rb_add(&r->val, t, (size_t)n)))
		r->xml_bad = true;
}

static void sheet_close(struct rowread *r)
{
	if (r->zf)
		zip_fclose(r->zf);
	r->zf = NULL;
	if (r->xp)
		XML_ParserFree(r->xp);
	r->xp = NULL;
}

static enum rowread_status sheet_open(struct rowread *r, int i)
{
	sheet_close(r);
	r->cur = i;
	r->zf = zip_fopen(r->zip, r->sheet_paths[i], 0);
	if (!r->zf)
		return ROWREAD_CORRUPT;
	r->xp = XML_ParserCreate("UTF-8");
	if (!r->xp)
		return ROWREAD_IO;
	XML_SetUserData(r->xp, r);
	XML_SetElementHandler(r->xp, sh_start, sh_end);
	XML_SetCharacterDataHandler(r->xp, sh_text);
	r->sheet_done = false;
	r->next_row = 1;
	r->in_cell = r->in_v = r->in_t = r->in_is = false;
	return ROWREAD_OK;
}

/* Parses on until a row is complete (row_ready) or the sheet's XML ends. */
static enum rowread_status sheet_step(struct rowread *r)
{
	r->row_ready = false;
	XML_ParsingStatus ps;
	XML_GetParsingStatus(r->xp, &ps);
	if (ps.parsing == XML_SUSPENDED) {
		enum XML_Status s = XML_ResumeParser(r->xp);
		if (s == XML_STATUS_ERROR || r->xml_bad)
			return ROWREAD_CORRUPT;
		if (r->row_ready)
			return ROWREAD_OK;
		XML_GetParsingStatus(r->xp, &ps);
		if (ps.parsing == XML_FINISHED) {
			r->sheet_done = true;
			return ROWREAD_OK;
		}
	}
	for (;;) {
		zip_int64_t n = zip_fread(r->zf, r->chunk, CHUNK);
		if (n < 0)
			return ROWREAD_CORRUPT;
		enum XML_Status s = XML_Parse(r->xp, r->chunk, (int)n, n == 0);
		if (s == XML_STATUS_ERROR || r->xml_bad)
			return ROWREAD_CORRUPT;
		if (r->row_ready)
			return ROWREAD_OK;
		if (n == 0) {
			r->sheet_done = true;
			return ROWREAD_OK;
		}
	}
}

static enum rowread_status xlsx_next(struct rowread *r, struct rowread_row *row)
{
	for (;;) {
		if (r->cur < 0 || r->sheet_done) {
			if (r->cur + 1 >= r->nsheets) {
				sheet_close(r);
				return ROWREAD_END;
			}
			enum rowread_status st = sheet_open(r, r->cur + 1);
			if (st != ROWREAD_OK)
				return st;
		}
		enum rowread_status st = sheet_step(r);
		if (st != ROWREAD_OK) {
			r->where_sheet = r->cur;
			r->where_row = r->row_num;
			return st;
		}
		if (!r->row_ready)
			continue;
		if (r->row.overflow) {
			r->where_sheet = r->cur;
			r->where_row = r->row_num;
			return ROWREAD_TOO_WIDE;
		}
		if (!rb_finish(&r->row)) {
			r->blank++;
			continue;
		}
		*row = (struct rowread_row){r->cur, r->sheets[r->cur].name, r->row_num,
			r->row.ncells, r->row.cells};
		return ROWREAD_OK;
	}
}

/* Resolves a relationship target against xl/: "worksheets/sheet1.xml" or "/xl/...". */
static char *part_path(const char *target)
{
	char *out = malloc(strlen(target) + 8);
	if (!out)
		return NULL;
	if (target[0] == '/')
		snprintf(out, strlen(target) + 8, "%s", target + 1);
	else
		snprintf(out, strlen(target) + 8, "xl/%s", target);
	return out;
}

static enum rowread_status xlsx_open(struct rowread *r, const char *path)
{
	int zerr;
	size_t len;
	bool absent;
	r->xlsx = true;
	r->cur = -1;
	if (!(r->zip = zip_open(path, ZIP_RDONLY, &zerr)))
		return ROWREAD_CORRUPT;
	char *wb = zip_slurp(r->zip, "xl/workbook.xml", 16u << 20, &len, &absent);
	if (!wb)
		return absent ? (zip_name_locate(r->zip, "[Content_Types].xml", 0) >= 0
				 ? ROWREAD_CORRUPT : ROWREAD_NOT_TABLE) : ROWREAD_CORRUPT;
	struct wb_parse w = {.r = r};
	bool ok = xml_parse_all(wb, len, &w, wb_start, NULL, NULL) && !w.bad;
	free(wb);
	char *rels = ok ? zip_slurp(r->zip, "xl/_rels/workbook.xml.rels", 16u << 20, &len, &absent)
		: NULL;
	ok = ok && rels && xml_parse_all(rels, len, &w, rels_start, NULL, NULL) && !w.bad;
	free(rels);
	if (ok && !(r->sheet_paths = calloc((size_t)r->nsheets + 1, sizeof(char *))))
		ok = false;
	for (int i = 0; ok && i < r->nsheets; i++) {
		for (int k = 0; k < w.nrels; k++)
			if (strcmp(w.rel_ids[k], w.ids[i]) == 0)
				r->sheet_paths[i] = part_path(w.rel_targets[k]);
		if (!r->sheet_paths[i])
			ok = false;
	}
	for (int i = 0; i < r->nsheets; i++)
		free(w.ids[i]);
	free(w.ids);
	for (int k = 0; k < w.nrels; k++) {
		free(w.rel_ids[k]);
		free(w.rel_targets[k]);
	}
	free(w.rel_ids);
	free(w.rel_targets);
	if (!ok || r->nsheets == 0)
		return ROWREAD_CORRUPT;

	char *styles = zip_slurp(r->zip, "xl/styles.xml", 16u << 20, &len, &absent);
	if (styles) {
		struct st_parse *s = calloc(1, sizeof(*s));
		if (s)
			s->r = r;
		ok = s && xml_parse_all(styles, len, s, st_start, st_end, NULL) && !s->bad;
		free(s);
		free(styles);
		if (!ok)
			return ROWREAD_CORRUPT;
	} else if (!absent)
		return ROWREAD_CORRUPT;
	enum rowread_status st = load_shared(r);
	if (st != ROWREAD_OK)
		return st;
	if (!(r->chunk = malloc(CHUNK)))
		return ROWREAD_IO;
	return ROWREAD_OK;
}

/* ---------------------------------------------------------------- the interface */

struct rowread *rowread_open(const char *path, long long max_bytes, enum rowread_status *status)
{
	struct rowread *r = calloc(1, sizeof(*r));
	FILE *f = fopen(path, "rb");
	struct stat sb;
	unsigned char magic[8] = {0};
	enum rowread_status st;
	if (!r || !f || fstat(fileno(f), &sb) != 0) {
		st = ROWREAD_IO;
		goto fail;
	}
	r->cd = (iconv_t)-1;
	if (max_bytes > 0 && sb.st_size > max_bytes) {
		st = ROWREAD_TOO_LARGE;
		goto fail;
	}
	size_t n = fread(magic, 1, sizeof(magic), f);
	if (n >= 4 && memcmp(magic, "PK\x03\x04", 4) == 0) {
		fclose(f);
		f = NULL;
		st = xlsx_open(r, path);
	} else if (n >= 8 && memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
		st = classify_ole(f);
	} else {
		/* text: no NUL byte in the first chunk */
		char *b = malloc(CHUNK);
		rewind(f);
		size_t m = b ? fread(b, 1, CHUNK, f) : 0;
		st = !b ? ROWREAD_IO : memchr(b, 0, m) ? ROWREAD_NOT_TABLE : ROWREAD_OK;
		free(b);
		if (st == ROWREAD_OK) {
			st = csv_open(r, f);
			f = NULL;	/* r owns it */
		}
	}
	if (st == ROWREAD_OK) {
		*status = ROWREAD_OK;
		return r;
	}
fail:
	if (f)
		fclose(f);
	*status = st;
	rowread_close(r);
	return NULL;
}

enum rowread_status rowread_next(struct rowread *r, struct rowread_row *row)
{
	if (r->err != ROWREAD_OK)
		return r->err;
	enum rowread_status st = r->xlsx ? xlsx_next(r, row) : csv_next(r, row);
	if (st != ROWREAD_OK)
		r->err = st;
	return st;
}

const char *rowread_format(const struct rowread *r)
{
	return r->xlsx ? "xlsx" : "csv";
}

const char *rowread_encoding(const struct rowread *r)
{
	if (r->xlsx)
		return "UTF-8";
	return r->enc == ENC_GB18030 ? "GB18030" : r->enc == ENC_UTF8_BOM ? "UTF-8 with BOM"
		: "UTF-8";
}

int rowread_sheet_count(const struct rowread *r) { return r->nsheets; }

bool rowread_date1904(const struct rowread *r) { return r->date1904; }

const struct rowread_sheet *rowread_sheet(const struct rowread *r, int i)
{
	return i >= 0 && i < r->nsheets ? &r->sheets[i] : NULL;
}

long rowread_blank_rows(const struct rowread *r) { return r->blank; }

void rowread_where(const struct rowread *r, int *sheet, long *row)
{
	*sheet = r->where_sheet;
	*row = r->where_row;
}

void rowread_close(struct rowread *r)
{
	if (!r)
		return;
	sheet_close(r);
	if (r->zip)
		zip_discard(r->zip);
	if (r->f)
		fclose(r->f);
	if (r->cd != (iconv_t)-1 && r->cd != NULL)
		iconv_close(r->cd);
	free(r->buf);
	free(r->chunk);
	for (int i = 0; i < r->nsheets; i++) {
		free(r->sheets[i].name);
		if (r->sheet_paths)
			free(r->sheet_paths[i]);
	}
	free(r->sheets);
	free(r->sheet_paths);
	for (size_t i = 0; i < r->nshared; i++)
		free(r->shared[i]);
	free(r->shared);
	free(r->date_style);
	free(r->row.text);
	free(r->val.text);
	free(r);
}

const char *rowread_status_key(enum rowread_status s)
{
	switch (s) {
	case ROWREAD_OK: case ROWREAD_END: return "ok";
	case ROWREAD_IO: return "import_unreadable";
	case ROWREAD_NOT_TABLE: return "import_not_table";
	case ROWREAD_OLD_XLS: return "import_old_xls";
	case ROWREAD_ENCRYPTED: return "import_encrypted";
	case ROWREAD_CORRUPT: return "import_corrupt";
	case ROWREAD_TOO_LARGE: return "import_too_large";
	case ROWREAD_BAD_CSV: return "import_bad_csv";
	case ROWREAD_BAD_TEXT: return "import_bad_text";
	case ROWREAD_TOO_WIDE: return "import_too_wide";
	}
	return "import_unreadable";
}

void rowread_column_name(int col, char out[8])
{
	char tmp[8];
	int n = 0;
	col++;
	while (col > 0 && n < 7) {
		int m = (col - 1) % 26;
		tmp[n++] = (char)('A' + m);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}
