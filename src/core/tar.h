/*
 * tar: a POSIX (pax) tar stream produced piece by piece, so a household's whole file can be
 * sent or written without ever being held in memory. Each entry's bytes come from memory
 * or from a file on disk; every entry carries a pax "path" record, so names may be long
 * and UTF-8, and an entry of 8 GiB or more a pax "size" record (ustar's field stops short).
 */
#ifndef ANJU_TAR_H
#define ANJU_TAR_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tar_entry {
	char *path;		/* inside the archive (malloc'd) */
	char *data;		/* memory source (malloc'd), or NULL */
	char *file;		/* file source (malloc'd), or NULL */
	uint64_t size;
};

struct tar {
	struct tar_entry *entries;
	int n, cap;
	long mtime;
	/* reading state */
	int cur, phase;
	uint64_t off;
	int fd;
	char block[2560];	/* the current header blocks (pax header, record, ustar) */
	size_t block_len;
};

void tar_init(struct tar *t, long mtime);
/* Adds an entry; takes ownership of data (may be NULL when file is given). Returns 0/-1. */
int tar_add_memory(struct tar *t, const char *path, char *data, uint64_t size);
int tar_add_file(struct tar *t, const char *path, const char *file, uint64_t size);
/* The exact length of the whole stream. */
uint64_t tar_size(const struct tar *t);
/* Copies the next bytes of the stream into buf; 0 at the end, -1 when a file cannot be read
 * (or has changed size). */
ssize_t tar_read(struct tar *t, char *buf, size_t max);
void tar_release(struct tar *t);
#endif
