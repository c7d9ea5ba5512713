/* tar: pax-extended ustar, streamed. */
#include "core/tar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PHASE_HEADER, PHASE_DATA, PHASE_PAD, PHASE_END, PHASE_DONE };

void tar_init(struct tar *t, long mtime)
{
	memset(t, 0, sizeof(*t));
	t->mtime = mtime;
	t->fd = -1;
}

static int add(struct tar *t, const char *path, char *data, const char *file, uint64_t size)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct tar_entry *e = realloc(t->entries, sizeof(*e) * (size_t)cap);
		if (!e)
			return -1;
		t->entries = e;
		t->cap = cap;
	}
	struct tar_entry *e = &t->entries[t->n];
	e->path = strdup(path);
	e->file = file ? strdup(file) : NULL;
	e->data = data;
	e->size = size;
	if (!e->path || (file && !e->file)) {
		free(e->path);
		free(e->file);
		return -1;
	}
	t->n++;
	return 0;
}

int tar_add_memory(struct tar *t, const char *path, char *data, uint64_t size)
{
	if (add(t, path, data, NULL, size)) {
		free(data);
		return -1;
	}
	return 0;
}

int tar_add_file(struct tar *t, const char *path, const char *file, uint64_t size)
{
	return add(t, path, NULL, file, size);
}

static uint64_t padded(uint64_t n) { return (n + 511) / 512 * 512; }

/* The largest size the ustar header's 11 octal digits can say (8 GiB - 1). */
#define USTAR_SIZE_MAX 077777777777ULL

/* One pax record "LEN KEY=VALUE\n", whose length counts its own digits. */
static size_t pax_one(const char *key, const char *value, char *out, size_t cap)
{
	size_t body = strlen(key) + strlen(value) + 3, len = body + 1;
	while (snprintf(NULL, 0, "%zu", len) + body != len)
		len++;
	return (size_t)snprintf(out, cap, "%zu %s=%s\n", len, key, value);
}

/* The pax records of an entry: its path, and its size when the ustar field cannot hold it
 * (snprintf would drop its last digit, 8 GiB reading as 1 GiB, and every reader lose its
 * place). */
static size_t pax_record(const struct tar_entry *e, char *out, size_t cap)
{
	size_t n = pax_one("path", e->path, out, cap);
	if (e->size > USTAR_SIZE_MAX) {
		char size[24];
		snprintf(size, sizeof(size), "%llu", (unsigned long long)e->size);
		n += pax_one("size", size, n < cap ? out + n : NULL, n < cap ? cap - n : 0);
	}
	return n;
}

static uint64_t entry_size(const struct tar_entry *e)
{
	size_t pax = pax_record(e, NULL, 0);
	return 512 + padded(pax) + 512 + padded(e->size);
}

uint64_t tar_size(const struct tar *t)
{
	uint64_t n = 1024;	/* two zero blocks end the archive */
	for (int i = 0; i < t->n; i++)
		n += entry_size(&t->entries[i]);
	return n;
}

static void octal(char *field, size_t width, uint64_t v)
{
	snprintf(field, width, "%0*llo", (int)width - 1, (unsigned long long)v);
}

static void header(char *b, const char *name, uint64_t size, char type, long mtime)
{
	memset(b, 0, 512);
	snprintf(b, 100, "%s", name);
	octal(b + 100, 8, 0644);
	octal(b + 108, 8, 0);
	octal(b + 116, 8, 0);
	octal(b + 124, 12, size);
	octal(b + 136, 12, (uint64_t)mtime);
	memset(b + 148, ' ', 8);
	b[156] = type;
	memcpy(b + 257, "ustar", 6);
	memcpy(b + 263, "00", 2);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)b[i];
	snprintf(b + 148, 8, "%06o", sum);
	b[155] = ' ';
}

/* Builds the header blocks of entry i: pax header, pax record, ustar header. */
static void build_header(struct tar *t, int i)
{
	const struct tar_entry *e = &t->entries[i];
	char rec[1536], shortname[100];
	size_t pax = pax_record(e, rec, sizeof(rec));
	header(t->block, "PaxHeader", pax, 'x', t->mtime);
	memset(t->block + 512, 0, 1536);
	memcpy(t->block + 512, rec, pax < 1536 ? pax : 1536);
	/* The ustar name is a fallback for old readers: the path's last 99 ASCII-safe bytes. */
	const char *base = strrchr(e->path, '/');
	snprintf(shortname, sizeof(shortname), "%s", base ? base + 1 : e->path);
	for (char *p = shortname; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '_';
	/* past USTAR_SIZE_MAX the pax "size" record rules and the ustar field says 0 */
	header(t->block + 512 + padded(pax), shortname, e->size > USTAR_SIZE_MAX ? 0 : e->size, '0',
	       t->mtime);
	t->block_len = 512 + padded(pax) + 512;
}

ssize_t tar_read(struct tar *t, char *buf, size_t max)
{
	size_t done = 0;
	while (done < max) {
		if (t->phase == PHASE_DONE)
			break;
		if (t->cur == t->n && t->phase == PHASE_HEADER) {
			t->phase = PHASE_END;
			t->off = 0;
		}
		if (t->phase == PHASE_END) {
			size_t n = 1024 - (size_t)t->off;
			if (n > max - done)
				n = max - done;
			memset(buf + done, 0, n);
			done += n;
			t->off += n;
			if (t->off == 1024)
				t->phase = PHASE_DONE;
			continue;
		}
		struct tar_entry *e = &t->entries[t->cur];
		if (t->phase == PHASE_HEADER) {
			if (t->off == 0) {
				if (strlen(e->path) > 1000)	/* keeps the headers within block */
					return -1;
				build_header(t, t->cur);
			}
			size_t n = t->block_len - (size_t)t->off;
			if (n > max - done)
				n = max - done;
			memcpy(buf + done, t->block + t->off, n);
			done += n;
			t->off += n;
			if (t->off == t->block_len) {
				t->phase = PHASE_DATA;
				t->off = 0;
				if (e->file && (t->fd = open(e->file, O_RDONLY)) < 0)
					return -1;
				/* a file that grew would be sent cut to its old size, unseen */
				struct stat st;
				if (e->file && (fstat(t->fd, &st) || (uint64_t)st.st_size != e->size))
					return -1;
			}
		} else if (t->phase == PHASE_DATA) {
			uint64_t left = e->size - t->off;
			size_t n = left < max - done ? (size_t)left : max - done;
			if (e->data) {
				memcpy(buf + done, e->data + t->off, n);
			} else if (n) {
				ssize_t got = read(t->fd, buf + done, n);
				if (got < 0 && errno == EINTR)
					continue;
				if (got <= 0)
					return -1;	/* the file shrank: the stream would lie */
				n = (size_t)got;
			}
			done += n;
			t->off += n;
			if (t->off == e->size) {
				if (t->fd >= 0)
					close(t->fd);
				t->fd = -1;
				t->phase = PHASE_PAD;
				t->off = 0;
			}
		} else {	/* PHASE_PAD */
			size_t pad = (size_t)(padded(e->size) - e->size) - (size_t)t->off;
			if (pad > max - done)
				pad = max - done;
			memset(buf + done, 0, pad);
			done += pad;
			t->off += pad;
			if (t->off == padded(e->size) - e->size) {
				t->cur++;
				t->phase = PHASE_HEADER;
				t->off = 0;
			}
		}
	}
	return (ssize_t)done;
}

void tar_release(struct tar *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->entries[i].path);
		free(t->entries[i].data);
		free(t->entries[i].file);
	}
	free(t->entries);
	if (t->fd >= 0)
		close(t->fd);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}
