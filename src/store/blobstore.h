/*
 * blobstore: files on disk, content-addressed by SHA-256 under DATA/blobs/ab/cd/<sha256>.
 *
 * A file is written to DATA/tmp as it arrives, hashed on the way, fsync'd, and renamed
 * into place only when the caller commits; identical bytes are stored once (and a stored
 * copy that no longer matches its name is replaced by the new good one). An aborted or
 * interrupted write leaves nothing behind but, at worst, a temporary file named with its
 * process's pid, which a later blobstore_init removes once that process is gone.
 */
#ifndef ANJU_BLOBSTORE_H
#define ANJU_BLOBSTORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

struct blobstore {
	char root[900];		/* the data folder */
};

struct blob_writer {
	const struct blobstore *store;
	int fd;
	char tmp_path[1024];
	crypto_hash_sha256_state hash;
	uint64_t size, limit;
	bool too_large, failed, committed;
	char sha256[65];
	bool created;		/* commit stored new bytes (false: they were there already) */
	bool repaired;		/* commit replaced a damaged stored copy with these bytes */
	bool pinned;		/* counted among the writers relying on this blob (below) */
};

/* How old (seconds) a file must be before a sweep may judge it abandoned: a blob linked
 * into place by a transaction still in flight has no row yet, and a temporary file
 * without a pid in its name may still be written. */
#define BLOBSTORE_SAFE_AGE 3600

/* Prepares DATA/blobs and DATA/tmp (0700) and sweeps temporary files (below). Returns 0,
 * or -1 with a message. */
int blobstore_init(struct blobstore *b, const char *data_dir, char *err, size_t errlen);
/* Removes temporary files whose process is gone (not those of a live server while a
 * command runs); returns how many. */
int blobstore_sweep_tmp(const struct blobstore *b);
/* Path of a blob. */
void blobstore_path(const struct blobstore *b, const char *sha256, char *out, size_t cap);

/* Starts a temporary file that accepts at most `limit` bytes. Returns 0 or -1. */
int blob_writer_open(const struct blobstore *b, struct blob_writer *w, uint64_t limit);
/* Appends bytes; past the limit sets too_large and returns -1 (the rest is dropped). */
int blob_writer_write(struct blob_writer *w, const void *data, size_t len);
/* Starts a writer holding a copy of the file at path (which is then removed): for files
 * that a library wrote by name, such as thumbnails. Returns 0 or -1. */
int blob_writer_from_file(const struct blobstore *b, struct blob_writer *w, const char *path,
			  uint64_t limit);
/* The same from a copy of the file at path, which is left in place. */
int blob_writer_from_copy(const struct blobstore *b, struct blob_writer *w, const char *path,
			  uint64_t limit);
/* Finishes the hash and fsyncs; after this w->sha256 and w->size are known and the
 * temporary file can be inspected (w->tmp_path) before it is kept or dropped. */
int blob_writer_finish(struct blob_writer *w);
/* Moves the finished file into the store (or drops it when intact bytes are there already;
 * damaged ones it replaces, setting w->repaired). */
int blob_writer_commit(struct blob_writer *w);
/* Removes the temporary file; safe to call at any point, also after commit (no-op). */
void blob_writer_abort(struct blob_writer *w);
/*
 * Two uploads of the same bytes may be in flight at once: the first links the blob into
 * place, the second finds it there and relies on it. Each committed writer is pinned (a
 * count per blob in this process) until its transaction has ended, so the first one's
 * failure cannot remove a file that the second's row is about to name:
 */
/* The transaction that references the blob committed: the pin goes (the row holds it). */
void blob_writer_settle(struct blob_writer *w);
/* The transaction failed: removes the blob when this writer created it, no other writer
 * relies on it and `referenced` (asked under the same lock) says no row names it. */
void blob_writer_uncommit(struct blob_writer *w, bool (*referenced)(void *arg, const char *sha256),
			  void *arg);

enum blob_state { BLOB_OK = 0, BLOB_MISSING, BLOB_CORRUPTED };
/* Re-hashes a stored blob and compares it with its name and expected size. */
enum blob_state blobstore_verify(const struct blobstore *b, const char *sha256, uint64_t size);
/* Calls fn for every file in DATA/blobs named like a blob, with when it last changed or was
 * linked into place (the later of mtime and ctime) and its size; stops at
 * the first non-zero return and returns it (-1 when the folder cannot be read). */
int blobstore_walk(const struct blobstore *b, int (*fn)(void *arg, const char *sha256,
		   long long changed, unsigned long long size), void *arg);
/* Removes a stored blob's file; 0 or -1. */
int blobstore_remove(const struct blobstore *b, const char *sha256);
/* Puts back the blob sha256 from a copy at `from` (checked: its bytes must hash to the
 * name and have the size), replacing a damaged file atomically. 0 or -1. */
int blobstore_restore(const struct blobstore *b, const char *sha256, uint64_t size,
		      const char *from);
#endif
