/* rowread: streaming rows of CSV (UTF-8 / GB18030) and XLSX (libzip + expat) files. */
#include "core/rowread.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/utf8.h"
#include "core/xmlscan.h"

#define CHUNK (64u << 10)

enum enc { ENC_UTF8, ENC_UTF8_BOM, ENC_GB18030 };

struct sst;

/* A part of the package being inflated, with the bytes it has given so far. */
struct zpart {
	zip_file_t *zf;
	uint64_t got, limit;
	bool over;		/* it inflated past limit: refused */
};

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
	int where_col;		/* -1: the error is about no one cell */
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
	long quote_line;	/* where the quote the record is in opened (0: in none) */

	/* XLSX */
	zip_t *zip;
	char **sheet_paths;
	struct sst *sst;	/* the shared strings, in a temporary file; NULL when none */
	bool *date_style;	/* per cellXfs index */
	size_t nstyles;
	int cur;		/* sheet being read, -1 before the first */
	struct zpart part;	/* the sheet being read: its bytes */
	struct xmlscan *xs;	/* the sheet being read */
	bool sheet_done, row_ready, xml_bad;
	enum rowread_status bad;	/* what xml_bad means: ROWREAD_CORRUPT unless told */
	/* parser state inside a sheet */
	long row_num, next_row;
	long last_row;		/* the sheet's last row number so far (0: none yet) */
	int col, next_col, cell_style;
	char cell_type;		/* 's', 'b', 'e', 'n', or 't' for every kind of text */
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
	r->quote_line = 0;
	rb_reset(&r->row);
	for (;;) {
		const char *s;
		size_t n;
		if (p < end && *p == '"') {
			p++;
			unq_len = 0;
			r->quote_line = r->line + lines;
			for (;;) {
				if (unq_len > ROWREAD_MAX_CELL * 4) {
					/* longer than any cell: a quote never closed, taking the rest
					 * of the file into one field */
					st = ROWREAD_BAD_CSV;
					goto out;
				}
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
						r->quote_line = 0;
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

/* Where a CSV error is: the line a quote left open opened on, else the record's first. */
static enum rowread_status csv_error(struct rowread *r, enum rowread_status st)
{
	if (r->quote_line && (st == ROWREAD_BAD_CSV || st == ROWREAD_TOO_WIDE)) {
		st = ROWREAD_BAD_CSV;	/* a field ran on and on: its quote is not closed */
		r->where_row = r->quote_line;
	} else
		r->where_row = r->line + 1;
	return st;
}

static enum rowread_status csv_next(struct rowread *r, struct rowread_row *row)
{
	for (;;) {
		if (r->pos >= r->len && !csv_fill(r) && r->pos >= r->len)
			return r->eof ? ROWREAD_END : ROWREAD_TOO_WIDE;
		bool need;
		enum rowread_status st = csv_record(r, &need);
		if (st != ROWREAD_OK)
			return csv_error(r, st);
		if (need) {
			if (!csv_fill(r) && !r->eof)
				return csv_error(r, ROWREAD_TOO_WIDE);
			if (r->eof && r->pos >= r->len)
				return ROWREAD_END;
			if (r->eof) {
				/* last chance with every byte in: an open quote now is an error */
				st = csv_record(r, &need);
				if (st == ROWREAD_OK && need)
					st = ROWREAD_BAD_CSV;
				if (st != ROWREAD_OK)
					return csv_error(r, st);
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

/* ---------------------------------------------------------------- XLSX: shared strings */

/*
 * Excel keeps every distinct text of a workbook once, in xl/sharedStrings.xml, and a cell
 * names its text by number: a county's ledger of two million persons has some four million
 * (every name and ID number is one). They are kept out of the heap: parsed once into a
 * temporary file that is unlinked from the start (O_TMPFILE, else unlinked at once), so a
 * killed process leaves nothing behind, as NUL-terminated strings in blocks of at most
 * SST_BLOCK_STRINGS strings or SST_BLOCK_BYTES bytes (a longer string is a block of its
 * own). What stays in memory is one index entry a block (some 20 bytes per hundred
 * strings) and a direct-mapped cache of SST_SLOTS blocks read back with pread. Excel
 * numbers the strings in the order they first appear, so the rows read them nearly in
 * order, and the few that recur (a nationality, a village) sit in blocks the cache keeps.
 */
#define SST_BLOCK_STRINGS 128
#define SST_BLOCK_BYTES (16u << 10)
#define SST_SLOTS 512
#define SST_WBUF (64u << 10)

struct sst_block {
	uint64_t off;		/* where its bytes start in the file */
	uint32_t first;		/* its first string's index */
};

struct sst_slot {
	size_t block;		/* SIZE_MAX: empty */
	char *buf;		/* the block's bytes (at most SST_BLOCK_BYTES) */
	uint32_t n;		/* strings in it */
	uint32_t at[SST_BLOCK_STRINGS + 1];	/* string j is [at[j], at[j + 1] - 1) */
};

struct sst {
	int fd;
	uint32_t count;		/* strings */
	uint64_t size;		/* bytes in the file */
	struct sst_block *blocks;
	size_t nblocks, capblocks;
	/* writing: the block being filled and the bytes not yet written */
	uint32_t cur_n;
	uint64_t cur_bytes;
	char *wbuf;
	size_t wlen;
	/* reading */
	size_t last;		/* the block of the last look-up */
	struct sst_slot *slots;
	char *big;		/* a block over SST_BLOCK_BYTES: one long string, never cached */
	size_t big_cap, big_block;
};

static void sst_free(struct sst *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	free(t->blocks);
	free(t->wbuf);
	for (size_t i = 0; t->slots && i < SST_SLOTS; i++)
		free(t->slots[i].buf);
	free(t->slots);
	free(t->big);
	free(t);
}

/* A file nobody else can open and nothing has to remove: O_TMPFILE where the file system
 * has it, else a named one unlinked at once. */
static int tmpfile_fd(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/anju-sst-XXXXXX", dir) >= (int)sizeof(path))
		return -1;
	int f = mkstemp(path);
	if (f >= 0)
		unlink(path);
	return f;
}

static struct sst *sst_new(void)
{
	struct sst *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->fd = tmpfile_fd();
	t->wbuf = malloc(SST_WBUF);
	if (t->fd < 0 || !t->wbuf) {
		sst_free(t);
		return NULL;
	}
	t->big_block = SIZE_MAX;
	return t;
}

static bool sst_flush(struct sst *t)
{
	size_t done = 0;
	while (done < t->wlen) {
		ssize_t n = write(t->fd, t->wbuf + done, t->wlen - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	t->wlen = 0;
	return true;
}

/* Adds the next string (n bytes, no NUL inside: XML cannot hold one). */
static bool sst_add(struct sst *t, const char *s, size_t n)
{
	if (t->count == UINT32_MAX - 1)
		return false;
	if (t->nblocks == 0 || t->cur_n == SST_BLOCK_STRINGS ||
	    (t->cur_n && t->cur_bytes + n + 1 > SST_BLOCK_BYTES)) {
		if (t->nblocks == t->capblocks) {
			size_t cap = t->capblocks ? t->capblocks * 2 : 256;
			struct sst_block *b = realloc(t->blocks, cap * sizeof(*b));
			if (!b)
				return false;
			t->blocks = b;
			t->capblocks = cap;
		}
		t->blocks[t->nblocks++] = (struct sst_block){t->size, t->count};
		t->cur_n = 0;
		t->cur_bytes = 0;
	}
	for (size_t done = 0; done < n + 1;) {	/* the string and its NUL */
		if (t->wlen == SST_WBUF && !sst_flush(t))
			return false;
		size_t k = n + 1 - done, room = SST_WBUF - t->wlen;
		if (k > room)
			k = room;
		if (done + k > n) {	/* the NUL is in this piece */
			memcpy(t->wbuf + t->wlen, s + done, n - done);
			t->wbuf[t->wlen + n - done] = 0;
		} else
			memcpy(t->wbuf + t->wlen, s + done, k);
		t->wlen += k;
		done += k;
	}
	t->size += n + 1;
	t->cur_bytes += n + 1;
	t->cur_n++;
	t->count++;
	return true;
}

/* Done adding: everything written, the cache made. */
static bool sst_seal(struct sst *t)
{
	if (!sst_flush(t))
		return false;
	free(t->wbuf);
	t->wbuf = NULL;
	if (!(t->slots = calloc(SST_SLOTS, sizeof(*t->slots))))
		return false;
	for (size_t i = 0; i < SST_SLOTS; i++)
		t->slots[i].block = SIZE_MAX;
	return true;
}

static bool read_at(int fd, char *buf, size_t n, uint64_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = pread(fd, buf + done, n - done, (off_t)(off + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

/* The block holding string i (i < count). */
static size_t sst_block_of(struct sst *t, uint32_t i)
{
	size_t k = t->last;
	if (k < t->nblocks && t->blocks[k].first <= i &&
	    (k + 1 == t->nblocks || i < t->blocks[k + 1].first))
		return k;
	if (k + 1 < t->nblocks && t->blocks[k + 1].first <= i &&
	    (k + 2 == t->nblocks || i < t->blocks[k + 2].first))
		return k + 1;
	size_t lo = 0, hi = t->nblocks;	/* the last block whose first <= i */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->blocks[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* String i into *s, *n (valid until the next look-up); false when it cannot be read. */
static bool sst_get(struct sst *t, uint32_t i, const char **s, size_t *n)
{
	size_t k = sst_block_of(t, i);
	t->last = k;
	uint64_t end = k + 1 < t->nblocks ? t->blocks[k + 1].off : t->size;
	size_t bytes = (size_t)(end - t->blocks[k].off);
	if (bytes > SST_BLOCK_BYTES) {	/* one long string */
		if (t->big_block != k) {
			if (bytes > t->big_cap) {
				char *b = realloc(t->big, bytes);
				if (!b)
					return false;
				t->big = b;
				t->big_cap = bytes;
			}
			t->big_block = SIZE_MAX;
			if (!read_at(t->fd, t->big, bytes, t->blocks[k].off))
				return false;
			t->big_block = k;
		}
		*s = t->big;
		*n = bytes - 1;
		return true;
	}
	struct sst_slot *sl = &t->slots[k % SST_SLOTS];
	if (sl->block != k) {
		if (!sl->buf && !(sl->buf = malloc(SST_BLOCK_BYTES)))
			return false;
		sl->block = SIZE_MAX;
		if (!read_at(t->fd, sl->buf, bytes, t->blocks[k].off))
			return false;
		uint32_t m = 0;
		for (size_t at = 0; at < bytes && m < SST_BLOCK_STRINGS;) {
			const char *z = memchr(sl->buf + at, 0, bytes - at);
			if (!z)
				return false;
			sl->at[m++] = (uint32_t)at;
			at = (size_t)(z - sl->buf) + 1;
		}
		sl->at[m] = (uint32_t)bytes;
		sl->n = m;
		sl->block = k;
	}
	uint32_t j = i - t->blocks[k].first;
	if (j >= sl->n)
		return false;
	*s = sl->buf + sl->at[j];
	*n = sl->at[j + 1] - sl->at[j] - 1;
	return true;
}

/* sharedStrings.xml: every <si>'s text runs (<t>), phonetic runs (<rPh>) left out. */
struct ss_parse {
	struct rowread *r;
	struct xmlscan *x;
	struct rowbuf cur;
	bool in_si, in_t, in_rph, bad, invalid;
	bool too_long;		/* a string over any cell's limit */
};

static void ss_start(void *ud, const char *name, const char **a)
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

static void ss_end(void *ud, const char *name)
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
		const char *t = s->cur.text ? s->cur.text : "";
		if (!utf8_valid(t, s->cur.len)) {
			s->invalid = true;
			xmlscan_stop(s->x);
		} else if (!sst_add(r->sst, t, s->cur.len) || r->sst->size > ROWREAD_MAX_SHARED) {
			s->bad = true;
			xmlscan_stop(s->x);
		}
	}
}

/* A text longer than any cell Excel can hold (32,767 characters, 4 bytes each at most) is
 * no workbook's: refused as it grows, so a few compressed kilobytes cannot expand into
 * gigabytes of one string. */
#define TEXT_MAX ((size_t)ROWREAD_MAX_CELL * 4)

static void ss_text(void *ud, const char *t, int n)
{
	struct ss_parse *s = ud;
	if (!s->in_t)
		return;
	if (s->cur.len + (size_t)n > TEXT_MAX) {	/* as a cell's own text over it */
		s->too_long = true;
		xmlscan_stop(s->x);
	} else if (!rb_add(&s->cur, t, (size_t)n))
		s->bad = true;
}

/* Opens a part, its inflation limit set from its compressed size (see ROWREAD_MAX_RATIO). */
static bool zpart_open(zip_t *z, const char *name, struct zpart *p)
{
	zip_stat_t st;
	uint64_t limit = ROWREAD_RATIO_FLOOR;
	if (zip_stat(z, name, 0, &st) == 0 && (st.valid & ZIP_STAT_COMP_SIZE)) {
		if (st.comp_size > ROWREAD_MAX_PART / ROWREAD_MAX_RATIO)
			limit = ROWREAD_MAX_PART;
		else if (st.comp_size * ROWREAD_MAX_RATIO > limit)
			limit = st.comp_size * ROWREAD_MAX_RATIO;
	}
	*p = (struct zpart){.zf = zip_fopen(z, name, 0), .limit = limit};
	return p->zf != NULL;
}

static void zpart_close(struct zpart *p)
{
	if (p->zf)
		zip_fclose(p->zf);
	p->zf = NULL;
}

/* Reads on, counting: past the limit is a read error (the part's over flag says why). */
static long long zip_read(void *src, char *buf, size_t n)
{
	struct zpart *p = src;
	zip_int64_t k = zip_fread(p->zf, buf, n);
	if (k > 0) {
		p->got += (uint64_t)k;
		if (p->got > p->limit) {
			p->over = true;
			return -1;
		}
	}
	return k;
}

/* The shared strings, streamed into their temporary file: the part can be large. */
static enum rowread_status load_shared(struct rowread *r)
{
	zip_stat_t st;
	if (zip_stat(r->zip, "xl/sharedStrings.xml", 0, &st) != 0)
		return ROWREAD_OK;	/* a workbook of numbers only */
	struct zpart zp;
	if (!zpart_open(r->zip, "xl/sharedStrings.xml", &zp))
		return ROWREAD_CORRUPT;
	struct ss_parse s = {.r = r};
	s.x = xmlscan_new(zip_read, &zp, &s, ss_start, ss_end, ss_text);
	r->sst = sst_new();
	enum rowread_status rc = s.x && r->sst ? ROWREAD_OK : ROWREAD_IO;
	if (rc == ROWREAD_OK) {
		enum xmlscan_status xs = xmlscan_run(s.x);
		rc = zp.over ? ROWREAD_INFLATES : s.too_long ? ROWREAD_TOO_WIDE
			: s.invalid ? ROWREAD_CORRUPT
			: s.bad ? (r->sst->size > ROWREAD_MAX_SHARED
			? ROWREAD_TOO_LARGE : ROWREAD_IO) : xs == XMLSCAN_END ? ROWREAD_OK
			: ROWREAD_CORRUPT;	/* a read error of the ZIP is a damaged file too */
	}
	if (rc == ROWREAD_OK && !sst_seal(r->sst))
		rc = ROWREAD_IO;
	free(s.cur.text);
	xmlscan_free(s.x);
	zpart_close(&zp);
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

/* The local name of an attribute or element: its prefix dropped ("x:c" -> "c"). Sheets
 * name millions of these, so a loop rather than a library call. */
static inline const char *local_fast(const char *name)
{
	const char *l = name;
	for (const char *c = name; *c; c++)
		if (*c == ':')
			l = c + 1;
	return l;
}

static inline bool is(const char *l, char c0, const char *rest)
{
	return l[0] == c0 && strcmp(l + 1, rest) == 0;
}

static void sh_bad(struct rowread *r, enum rowread_status why);

static void sh_start(void *ud, const char *name, const char **a)
{
	struct rowread *r = ud;
	const char *l = local_fast(name);
	if (is(l, 'c', "")) {
		const char *ref = NULL, *t = NULL, *s = NULL;
		for (int i = 0; a[i]; i += 2) {	/* r, t, s: each the first one given */
			const char *k = local_fast(a[i]);
			if (k[0] && !k[1]) {
				if (k[0] == 'r' && !ref)
					ref = a[i + 1];
				else if (k[0] == 't' && !t)
					t = a[i + 1];
				else if (k[0] == 's' && !s)
					s = a[i + 1];
			}
		}
		int c = ref ? col_of_ref(ref) : r->next_col;
		c = c < 0 ? r->next_col : c;
		if (c < r->next_col) {
			/* a column named again or going back: Excel writes each cell once, left
			 * to right, so this is a damaged sheet; taking either copy, or reordering,
			 * would change the row without a word */
			r->where_col = c;
			sh_bad(r, ROWREAD_CELL_ORDER);
			return;
		}
		r->col = c;
		r->next_col = r->col + 1;
		/* s: shared, b: boolean, e: error, n: number; str, inlineStr and anything else
		 * is text */
		r->cell_type = !t ? 'n' : t[0] && !t[1] && strchr("sben", t[0]) ? t[0] : 't';
		r->cell_style = s ? atoi(s) : 0;
		r->in_cell = true;
		r->cell_formula = false;
		r->val.len = 0;
	} else if (is(l, 'v', "")) {
		r->in_v = r->in_cell;
	} else if (is(l, 'r', "ow")) {
		const char *n = NULL;
		for (int i = 0; a[i]; i += 2)
			if (is(local_fast(a[i]), 'r', "")) {
				n = a[i + 1];
				break;
			}
		r->row_num = n ? atol(n) : r->next_row;
		if (r->row_num <= r->last_row) {	/* a row again, or going back: damaged */
			sh_bad(r, ROWREAD_ROW_ORDER);
			return;
		}
		r->last_row = r->row_num;
		r->next_row = r->row_num + 1;
		r->next_col = 0;
		rb_reset(&r->row);
	} else if (r->in_cell && is(l, 'f', "")) {
		r->cell_formula = true;
	} else if (r->in_cell && is(l, 'i', "s")) {
		r->in_is = true;
	} else if (r->in_is && is(l, 't', "")) {
		r->in_t = true;
	} else if (is(l, 'r', "Ph")) {
		r->in_is = false;	/* phonetic runs of an inline string are not its text */
	} else if (is(l, 'm', "ergeCell") && r->cur >= 0) {
		struct rowread_sheet *sh = &r->sheets[r->cur];
		const char *ref = attr(a, "ref");
		if (!sh->merged++ && ref && utf8_valid(ref, strlen(ref)))
			snprintf(sh->first_merged, sizeof(sh->first_merged), "%s", ref);
	}
}

static void sh_bad(struct rowread *r, enum rowread_status why)
{
	r->xml_bad = true;
	r->bad = why;
	xmlscan_stop(r->xs);
}

/* A cell's shared-string number: digits only, below the table's count. */
static bool shared_index(const struct rowread *r, const char *v, size_t n, uint32_t *i)
{
	uint64_t x = 0;
	if (!n || n > 10 || !r->sst)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (v[k] < '0' || v[k] > '9')
			return false;
		x = x * 10 + (uint64_t)(v[k] - '0');
	}
	if (x >= r->sst->count)
		return false;
	*i = (uint32_t)x;
	return true;
}

static void sh_end(void *ud, const char *name)
{
	struct rowread *r = ud;
	const char *l = local_fast(name);
	if (is(l, 'v', "")) {
		r->in_v = false;
	} else if (is(l, 'c', "") && r->in_cell) {
		r->in_cell = false;
		const char *v = r->val.text ? r->val.text : "";
		size_t n = r->val.len;
		enum rowread_kind kind = ROWREAD_TEXT;
		switch (r->cell_type) {
		case 's': {
			uint32_t i;
			if (!shared_index(r, v, n, &i)) {
				sh_bad(r, ROWREAD_BAD_SHARED);
				return;
			}
			if (!sst_get(r->sst, i, &v, &n)) {
				sh_bad(r, ROWREAD_IO);
				return;
			}
			break;
		}
		case 'b':
			v = n && v[0] == '1' ? "TRUE" : "FALSE";
			n = strlen(v);
			kind = ROWREAD_BOOL;
			break;
		case 'e':
			kind = ROWREAD_ERROR;
			break;
		case 'n':
			kind = (size_t)r->cell_style < r->nstyles && r->date_style[r->cell_style]
				? ROWREAD_DATE : ROWREAD_NUMBER;
			break;
		}
		if (r->cell_type != 's' && !utf8_valid(v, n))
			sh_bad(r, ROWREAD_CORRUPT);	/* the shared ones were checked once */
		else if (!rb_cell(&r->row, r->col, kind, v, n, r->cell_formula))
			sh_bad(r, ROWREAD_IO);
	} else if (is(l, 'r', "ow")) {
		r->row_ready = true;
		xmlscan_stop(r->xs);
	} else if (is(l, 't', "")) {
		r->in_t = false;
	} else if (is(l, 'i', "s")) {
		r->in_is = false;
	} else if (is(l, 's', "heetData")) {
		r->in_cell = false;
	}
}

static void sh_text(void *ud, const char *t, int n)
{
	struct rowread *r = ud;
	if ((r->in_v || r->in_t) && r->in_cell &&
	    (r->val.len + (size_t)n > TEXT_MAX || !rb_add(&r->val, t, (size_t)n)))
		r->xml_bad = true;
}

static void sheet_close(struct rowread *r)
{
	zpart_close(&r->part);
	xmlscan_free(r->xs);
	r->xs = NULL;
}

static enum rowread_status sheet_open(struct rowread *r, int i)
{
	sheet_close(r);
	r->cur = i;
	if (!zpart_open(r->zip, r->sheet_paths[i], &r->part))
		return ROWREAD_CORRUPT;
	r->xs = xmlscan_new(zip_read, &r->part, r, sh_start, sh_end, sh_text);
	if (!r->xs)
		return ROWREAD_IO;
	r->sheet_done = false;
	r->next_row = 1;
	r->last_row = 0;
	r->next_col = 0;
	r->in_cell = r->in_v = r->in_t = r->in_is = false;
	return ROWREAD_OK;
}

/* Reads on until a row is complete (row_ready) or the sheet's XML ends. */
static enum rowread_status sheet_step(struct rowread *r)
{
	r->row_ready = false;
	enum xmlscan_status s = xmlscan_run(r->xs);
	if (r->xml_bad)
		return r->bad ? r->bad : ROWREAD_CORRUPT;
	if (s == XMLSCAN_IO && r->part.over)
		return ROWREAD_INFLATES;
	if (s == XMLSCAN_BAD || s == XMLSCAN_IO)	/* a ZIP that cannot be read is damaged */
		return ROWREAD_CORRUPT;
	if (s == XMLSCAN_END)
		r->sheet_done = true;
	return ROWREAD_OK;
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
	/* Excel keeps sheet names unique, ignoring case: two alike make a damaged workbook,
	 * and every finding on either ("S!2") would not say which */
	for (int i = 0; i < r->nsheets; i++) {
		if (!r->sheets[i].name)
			return ROWREAD_IO;
		for (int k = 0; k < i; k++)
			if (strcasecmp(r->sheets[i].name, r->sheets[k].name) == 0)
				return ROWREAD_DUP_SHEETS;
	}

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
	r->where_col = -1;
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

int rowread_where_col(const struct rowread *r) { return r->where_col; }

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
	for (int i = 0; i < r->nsheets; i++) {
		free(r->sheets[i].name);
		if (r->sheet_paths)
			free(r->sheet_paths[i]);
	}
	free(r->sheets);
	free(r->sheet_paths);
	sst_free(r->sst);
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
	case ROWREAD_BAD_SHARED: return "import_bad_shared_string";
	case ROWREAD_CELL_ORDER: return "import_cells_out_of_order";
	case ROWREAD_ROW_ORDER: return "import_rows_out_of_order";
	case ROWREAD_INFLATES: return "import_inflates";
	case ROWREAD_DUP_SHEETS: return "import_duplicate_sheet_names";
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
