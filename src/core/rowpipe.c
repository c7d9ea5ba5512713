/* rowpipe: rowread's rows read on a producer thread, handed over in batches (see rowpipe.h). */
#include "core/rowpipe.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row of a batch: its cells are cells[first, first + ncells). */
struct pipe_row {
	int sheet;
	long number;
	int ncells;
	size_t first;
};

/* A batch: rows with their cells and texts copied, and what the reader said when it was
 * closed. Filled by the producer, then read by the consumer, never both at once: the ring's
 * counters (under the mutex) say whose it is. */
struct batch {
	char *text;			/* every cell's text, NUL-terminated, one after another */
	size_t tlen, tcap;
	struct rowread_cell *cells;	/* .text points into text once the batch is closed */
	size_t *off;			/* each cell's text offset while the batch is filled */
	size_t ncells, ccap, ocap;
	struct pipe_row *rows;
	int nrows;
	size_t rcap;
	/* ROWREAD_OK: more batches follow; else the reader's last word (END or an error) */
	enum rowread_status status;
	long blank;
	int where_sheet;
	long where_row;
	int where_col;
	int *merged;			/* per sheet */
	char (*first_merged)[32];
};

struct rowpipe {
	struct rowread *rr;		/* the producer's once the thread runs */
	int nsheets;
	int batch_rows;

	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_take;
	struct batch *ring;
	int nring;
	long filled;			/* batches published (mu) */
	long taken;			/* batches given back by the consumer (mu) */
	bool stop;			/* mu */
	atomic_bool stopping;		/* the same, read by the producer between rows */

	/* the consumer's side: the batch it holds (index taken) and its view of the file */
	bool holding;
	int next_row;
	enum rowread_status status;	/* sticky once not OK */
	const char *format, *encoding;
	bool date1904;
	struct rowread_sheet *sheets;	/* names copied at open; merged from the batches */
	long blank;
	int where_sheet;
	long where_row;
	int where_col;
};

/* ---------------------------------------------------------------- the producer */

/* p with room for need items of size bytes (*cap updated; never NULL for room of none), or
 * NULL when memory ran out (p stays as it was). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (p && need <= *cap)
		return p;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

/* Copies a row into the batch; false when memory ran out. */
static bool batch_add(struct batch *b, const struct rowread_row *row)
{
	size_t bytes = 0, cells = b->ncells + (size_t)row->ncells;
	for (int i = 0; i < row->ncells; i++)
		bytes += strlen(row->cells[i].text) + 1;
	char *text = grow(b->text, &b->tcap, b->tlen + bytes, 1);
	if (text)
		b->text = text;
	struct pipe_row *rows = grow(b->rows, &b->rcap, (size_t)b->nrows + 1, sizeof(*rows));
	if (rows)
		b->rows = rows;
	struct rowread_cell *cell = grow(b->cells, &b->ccap, cells, sizeof(*cell));
	if (cell)
		b->cells = cell;
	size_t *off = grow(b->off, &b->ocap, cells, sizeof(*off));
	if (off)
		b->off = off;
	if (!text || !rows || !cell || !off)
		return false;
	b->rows[b->nrows++] = (struct pipe_row){row->sheet, row->number, row->ncells, b->ncells};
	for (int i = 0; i < row->ncells; i++) {
		size_t n = strlen(row->cells[i].text) + 1;
		memcpy(b->text + b->tlen, row->cells[i].text, n);
		b->off[b->ncells] = b->tlen;
		b->cells[b->ncells++] = (struct rowread_cell){row->cells[i].kind, NULL,
			row->cells[i].formula};
		b->tlen += n;
	}
	return true;
}

/* Reads rows into b until it is full, the reader stops, or the consumer closes. */
static void batch_fill(struct rowpipe *p, struct batch *b)
{
	b->tlen = b->ncells = 0;
	b->nrows = 0;
	b->status = ROWREAD_OK;
	b->where_sheet = 0;
	b->where_row = 0;
	b->where_col = -1;
	struct rowread_row row;
	while (b->nrows < p->batch_rows && b->tlen < ROWPIPE_BATCH_BYTES &&
	       b->ncells < ROWPIPE_BATCH_CELLS &&
	       !atomic_load_explicit(&p->stopping, memory_order_relaxed)) {
		enum rowread_status st = rowread_next(p->rr, &row);
		if (st == ROWREAD_OK && !batch_add(b, &row)) {
			b->status = ROWREAD_IO;	/* out of memory: said as the row's error */
			b->where_sheet = row.sheet;
			b->where_row = row.number;
			break;
		}
		if (st != ROWREAD_OK) {
			b->status = st;
			rowread_where(p->rr, &b->where_sheet, &b->where_row);
			b->where_col = rowread_where_col(p->rr);
			break;
		}
	}
	for (size_t i = 0; i < b->ncells; i++)	/* the text block moves no more */
		b->cells[i].text = b->text + b->off[i];
	b->blank = rowread_blank_rows(p->rr);
	for (int i = 0; i < p->nsheets; i++) {
		const struct rowread_sheet *s = rowread_sheet(p->rr, i);
		b->merged[i] = s->merged;
		memcpy(b->first_merged[i], s->first_merged, sizeof(b->first_merged[i]));
	}
}

static void *producer(void *arg)
{
	struct rowpipe *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->filled - p->taken >= p->nring)
			pthread_cond_wait(&p->can_fill, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		struct batch *b = &p->ring[p->filled % p->nring];
		pthread_mutex_unlock(&p->mu);

		batch_fill(p, b);

		pthread_mutex_lock(&p->mu);
		p->filled++;
		pthread_cond_signal(&p->can_take);
		pthread_mutex_unlock(&p->mu);
		if (b->status != ROWREAD_OK)
			return NULL;	/* the reader's last word is published */
	}
}

/* ---------------------------------------------------------------- the consumer */

struct rowpipe *rowpipe_open(const char *path, long long max_bytes,
			     const struct rowpipe_shape *shape, enum rowread_status *status)
{
	struct rowread *rr = rowread_open(path, max_bytes, status);
	if (!rr)
		return NULL;
	struct rowpipe *p = calloc(1, sizeof(*p));
	if (!p) {
		rowread_close(rr);
		*status = ROWREAD_IO;
		return NULL;
	}
	p->rr = rr;
	p->nsheets = rowread_sheet_count(rr);
	p->batch_rows = shape && shape->batch_rows > 0 ? shape->batch_rows : ROWPIPE_BATCH_ROWS;
	p->nring = shape && shape->batches > 0 ? shape->batches : ROWPIPE_BATCHES;
	p->format = rowread_format(rr);
	p->encoding = rowread_encoding(rr);
	p->date1904 = rowread_date1904(rr);
	atomic_init(&p->stopping, false);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->can_fill, NULL);
	pthread_cond_init(&p->can_take, NULL);
	bool ok = (p->sheets = calloc((size_t)p->nsheets + 1, sizeof(*p->sheets))) &&
		  (p->ring = calloc((size_t)p->nring, sizeof(*p->ring)));
	for (int i = 0; ok && i < p->nsheets; i++) {
		const struct rowread_sheet *s = rowread_sheet(rr, i);
		p->sheets[i] = *s;
		ok = (p->sheets[i].name = strdup(s->name ? s->name : "")) != NULL;
	}
	for (int k = 0; ok && k < p->nring; k++)
		ok = (p->ring[k].merged = calloc((size_t)p->nsheets + 1, sizeof(int))) &&
		     (p->ring[k].first_merged = calloc((size_t)p->nsheets + 1, 32));
	if (ok && pthread_create(&p->thread, NULL, producer, p) == 0)
		p->started = true;
	if (!p->started) {
		rowpipe_close(p);
		*status = ROWREAD_IO;
		return NULL;
	}
	*status = ROWREAD_OK;
	return p;
}

/* The consumer's view takes what the reader said when b was closed. */
static void view_take(struct rowpipe *p, const struct batch *b)
{
	p->blank = b->blank;
	for (int i = 0; i < p->nsheets; i++) {
		p->sheets[i].merged = b->merged[i];
		memcpy(p->sheets[i].first_merged, b->first_merged[i],
		       sizeof(p->sheets[i].first_merged));
	}
}

enum rowread_status rowpipe_next(struct rowpipe *p, struct rowread_row *row)
{
	if (p->status != ROWREAD_OK)
		return p->status;
	for (;;) {
		if (p->holding) {
			struct batch *b = &p->ring[p->taken % p->nring];
			if (p->next_row < b->nrows) {
				const struct pipe_row *pr = &b->rows[p->next_row++];
				*row = (struct rowread_row){pr->sheet, p->sheets[pr->sheet].name,
					pr->number, pr->ncells, b->cells ? b->cells + pr->first : NULL};
				return ROWREAD_OK;
			}
			if (b->status != ROWREAD_OK) {
				p->status = b->status;
				p->where_sheet = b->where_sheet;
				p->where_row = b->where_row;
				p->where_col = b->where_col;
				return p->status;
			}
		}
		pthread_mutex_lock(&p->mu);
		if (p->holding) {	/* the batch read is the producer's again */
			p->taken++;
			p->holding = false;
			pthread_cond_signal(&p->can_fill);
		}
		while (p->filled == p->taken)
			pthread_cond_wait(&p->can_take, &p->mu);
		pthread_mutex_unlock(&p->mu);
		p->holding = true;
		p->next_row = 0;
		view_take(p, &p->ring[p->taken % p->nring]);
	}
}

const char *rowpipe_format(const struct rowpipe *p) { return p->format; }

const char *rowpipe_encoding(const struct rowpipe *p) { return p->encoding; }

bool rowpipe_date1904(const struct rowpipe *p) { return p->date1904; }

int rowpipe_sheet_count(const struct rowpipe *p) { return p->nsheets; }

const struct rowread_sheet *rowpipe_sheet(const struct rowpipe *p, int i)
{
	return i >= 0 && i < p->nsheets ? &p->sheets[i] : NULL;
}

long rowpipe_blank_rows(const struct rowpipe *p) { return p->blank; }

void rowpipe_where(const struct rowpipe *p, int *sheet, long *row)
{
	*sheet = p->where_sheet;
	*row = p->where_row;
}

int rowpipe_where_col(const struct rowpipe *p) { return p->where_col; }

void rowpipe_close(struct rowpipe *p)
{
	if (!p)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		atomic_store(&p->stopping, true);
		pthread_cond_signal(&p->can_fill);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
	}
	rowread_close(p->rr);
	for (int k = 0; p->ring && k < p->nring; k++) {
		struct batch *b = &p->ring[k];
		free(b->text);
		free(b->cells);
		free(b->off);
		free(b->rows);
		free(b->merged);
		free(b->first_merged);
	}
	free(p->ring);
	for (int i = 0; p->sheets && i < p->nsheets; i++)
		free(p->sheets[i].name);
	free(p->sheets);
	pthread_cond_destroy(&p->can_fill);
	pthread_cond_destroy(&p->can_take);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
